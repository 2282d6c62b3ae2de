"""Why the benchmark stops before measuring."""


class BenchmarkFailed(Exception):
    """The benchmark itself could not run (as opposed to a slow measurement)."""
