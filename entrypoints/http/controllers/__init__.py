"""One controller per resource; handlers stay thin and call one use case."""
