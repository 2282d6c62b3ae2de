"""Use cases of outgoing webhooks: subscribing, planning deliveries after a change, sending them, the log."""
