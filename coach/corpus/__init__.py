"""Corpus ingestion: read files (.txt/.md/.docx, any common Chinese encoding), clean, parse
structure, and cut passages with metadata."""

from coach.corpus.types import Document, Heading, IngestProblem, Passage

__all__ = ["Document", "Heading", "IngestProblem", "Passage"]
