"""Watch-officer ticket workflow: Qt-free services and data (the Qt side is desktop/views/tickets)."""
