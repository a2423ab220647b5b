"""Untitled speeches are shown under the meeting their opening names, not under a file hash."""

from coach.corpus import parse_document
from coach.corpus.document import derive_title


def test_untitled_seeds_get_the_meeting_as_source_title(seed_texts):
    doc = parse_document(seed_texts["003_e00d83e4667ee5ea"], "003")
    assert doc.title == ""  # nothing is invented in the document itself
    assert {p.title for p in doc.passages} == {"在全县办公室主任会议上的讲话"}
    doc = parse_document(seed_texts["002_4cf813356daf6edd"], "002")
    assert doc.passages[0].title == "在XX县党政办公室业务工作培训会上的讲话"


def test_written_title_wins_and_no_meeting_means_no_title(seed_texts):
    doc = parse_document(seed_texts["001_a8823b4fadc8d13b"], "001")
    assert doc.passages[0].title == "在全区办公室系统业务培训班上的讲话"
    assert derive_title("同志们：\n今天和大家谈谈学习的体会。") == ""
