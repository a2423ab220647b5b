"""Corpus ingestion: read files (.txt/.md/.docx, any common Chinese encoding), clean, parse
structure, and cut passages with metadata.

    documents, problems = ingest_paths([seeds_dir()])
    text, encoding = read_text_file("speech.txt")
    document = parse_document(clean_text(text), "speech")
    outline_of(document)  # the body's heading tree, in order
"""

from coach.corpus.chunking import MAX_CHARS, MIN_CHARS
from coach.corpus.cleaning import clean_text, load_boilerplate
from coach.corpus.document import heading_tree, outline_of, parse_document
from coach.corpus.ingest import ingest_file, ingest_paths
from coach.corpus.reading import MAX_DOCX_BYTES, MAX_TEXT_BYTES, IngestError, read_text_file
from coach.corpus.types import Document, Heading, IngestProblem, Passage

__all__ = [
    "MAX_CHARS",
    "MAX_DOCX_BYTES",
    "MAX_TEXT_BYTES",
    "MIN_CHARS",
    "Document",
    "Heading",
    "IngestError",
    "IngestProblem",
    "Passage",
    "clean_text",
    "heading_tree",
    "ingest_file",
    "ingest_paths",
    "load_boilerplate",
    "outline_of",
    "parse_document",
    "read_text_file",
]
