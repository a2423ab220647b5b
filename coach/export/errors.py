"""Errors of the export step: bad input files, unwritable targets, malformed project JSON."""

from coach.errors import CoachError


class ExportError(CoachError):
    """The input cannot be read or the export cannot be written; the message says what to do."""
