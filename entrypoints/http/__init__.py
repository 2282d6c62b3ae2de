"""The HTTP API: one controller per resource, schemas, error mapping."""
