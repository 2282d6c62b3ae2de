"""msgspec schemas of the public JSON contract, one module per resource."""
