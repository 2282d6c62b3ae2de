"""Email: sending through SMTP, and a local catch-all SMTP server for one machine."""
