"""Errors the writer may see. The message is Chinese, names the problem and says what to do."""


class CoachError(Exception):
    """A problem with clear user-facing wording; the CLI prints it without a traceback."""

    exit_code = 2


class IndexError_(CoachError):  # noqa: N801 - avoid shadowing the builtin IndexError
    """The search index is missing, corrupted, or does not match the model/corpus."""


class ModelError(CoachError):
    """The embedding model is missing or cannot be loaded."""
