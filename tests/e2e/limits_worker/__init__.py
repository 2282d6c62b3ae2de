"""`planner worker` with three test-only tasks: the same supervisor, processes, limits and queue, run as
`python -m tests.e2e.limits_worker --processes N` (the tasks exist only in these worker processes)."""
