"""Outgoing webhooks: subscriptions to planner's events, signed deliveries, their retries and log."""
