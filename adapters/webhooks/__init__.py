"""Sending webhook deliveries over HTTP, only to addresses the operator allows."""
