"""The server-rendered web UI for IT managers: thin views over selectors and services."""
