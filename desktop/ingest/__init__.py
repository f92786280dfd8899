"""MQTT ingest: the console's link to the broker and the worker that feeds the pipeline."""

#: the environment variable a broker password may come from (services; never the command line)
PASSWORD_ENV = "JMC_MQTT_PASSWORD"
