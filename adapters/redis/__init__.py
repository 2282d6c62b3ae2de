"""Redis adapters: clients, cache, pub/sub, rate-limit store."""
