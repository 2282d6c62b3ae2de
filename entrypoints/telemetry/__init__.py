"""Prometheus series and traces of the web and worker processes (the adapters' own are in adapters/telemetry)."""
