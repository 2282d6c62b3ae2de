"""Why an embedded server could not start."""


class EmbeddedServerError(RuntimeError):
    """An embedded server could not start; the message says what to do."""
