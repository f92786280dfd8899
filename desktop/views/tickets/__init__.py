"""Qt side of the watch-officer ticket workflow: queue, detail, dialogs (services: desktop/workflow)."""
