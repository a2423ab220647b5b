"""The exported Word file laid out by a real office suite (LibreOffice, headless): 28 characters a line,
22 lines a page, page numbers — what python-docx's read-back cannot show.

LibreOffice is installed by scripts/office-for-tests.sh (called by scripts/test.sh); without it this test
fails rather than skips, so CI can never pass it silently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter

from coach.export import project_from_plain_text, to_docx

CJK = re.compile(r"[\u4e00-\u9fff，。；：、“”（）《》！？]")


def _render(docx, out_dir):
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is missing: run scripts/office-for-tests.sh"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{out_dir}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(out_dir), str(docx)],
        check=True, capture_output=True, timeout=180,
    )
    pdf = docx.with_suffix(".pdf")
    assert pdf.exists()
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                           text=True).stdout.split("\f")
    return [p for p in pages if p.strip()]


def test_seed_speech_lays_out_as_28_characters_by_22_lines(tmp_path, seed_texts):
    project = project_from_plain_text(seed_texts["003_e00d83e4667ee5ea"])
    docx = tmp_path / "003.docx"
    to_docx(project, docx)
    pages = _render(docx, tmp_path)
    assert len(pages) >= 8  # 6,400 characters at 616 a page

    body_lines = []
    for page in pages[:-1]:  # the last page is partly empty
        lines = [l for l in page.splitlines() if l.strip()]
        number = lines[-1].strip()
        assert re.fullmatch(r"[—–-]\s*\d+\s*[—–-]", number), f"page number line: {number!r}"
        text_lines = lines[:-1]
        assert len(text_lines) == 22, f"{len(text_lines)} lines on a page"
        body_lines += text_lines
    # a full line of Chinese prose holds 28 characters (lines with Latin letters or digits hold fewer; a line
    # whose punctuation the layout squeezes may take a 29th); before the spacing fix LibreOffice gave about 17
    counts = [len(CJK.findall(l)) for l in body_lines if not re.search(r"[A-Za-z0-9]", l)]
    assert Counter(counts).most_common(1)[0][0] == 28
    assert max(counts) <= 29
