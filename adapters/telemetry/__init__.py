"""What operators see of the adapters: Prometheus series and OpenTelemetry traces."""
