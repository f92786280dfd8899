"""What the GUI shows of the live pipeline: Qt-free view records and the feed that produces them."""
