"""MQTT ingest: the console's link to the broker and the worker that feeds the pipeline."""
