"""SAQ adapters: the job queue on Redis."""
