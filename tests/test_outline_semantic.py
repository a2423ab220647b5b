"""The semantic outline checks with the project's real embedder (the default gemma-static-zh model, built
once per test run by the shared ``built_model_path`` fixture): sibling overlap and relation to the thesis,
with the thresholds measured in bench/bench_checks.py --calibrate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from coach.checks.outline import check_outline, embed_with, parse_outline

DATA = Path(__file__).parent / "data" / "outlines"
OWN_THESES = {
    row.split("\t")[1]: row.split("\t")[2]
    for row in (DATA / "theses.tsv").read_text(encoding="utf-8").splitlines()
    if row.startswith("own\t")
}


@pytest.fixture(scope="module")
def embed(built_model_path):
    from coach.embed import load_embedder

    return embed_with(load_embedder(str(built_model_path)))


def outline_text(seed: str) -> str:
    return (DATA / f"{seed}.txt").read_text(encoding="utf-8")


def semantic(findings):
    return [(f.line, f.rule) for f in findings if f.rule in ("outline.overlap", "outline.off-thesis")]


def test_embed_gives_normalised_vectors(embed):
    vectors = embed(["加强学习，提升素质", "严格管理，实干苦干"])
    assert vectors.shape[0] == 2
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("seed", sorted(OWN_THESES))
def test_seed_outlines_have_no_overlap_and_serve_their_thesis(embed, seed):
    findings = check_outline(outline_text(seed), thesis=OWN_THESES[seed], embed=embed)
    assert semantic(findings) == []


def test_a_reworded_duplicate_sibling_is_found_only_with_the_embedder(embed):
    text = outline_text("000").replace(
        "（四）信息报送高水平\n（五）档案管理高标准", "（四）信息报送高水平\n（五）信息工作上水平\n（六）档案管理高标准"
    )
    with_model = [f for f in check_outline(text, embed=embed) if f.rule == "outline.overlap"]
    assert [(f.line, f.severity) for f in with_model] == [(10, "warning")]
    assert "信息报送高水平" in with_model[0].message and "第9行" in with_model[0].message
    assert with_model[0].extra["cosine"] >= 0.6
    # the words alone (信息 shared, 报送/工作 not) are not enough evidence
    assert [f for f in check_outline(text) if f.rule == "outline.overlap"] == []


def test_parallel_siblings_with_a_shared_frame_are_not_overlap(embed):
    # raw cosines here are high (up to 0.79: the frame 要不断提高政治…力), yet the points are distinct
    text = "（一）坚定理想信念\n1.要不断提高政治判断力\n2.要不断提高政治领悟力\n3.不断提高政治执行力\n（二）强化服务职能"
    assert [f for f in check_outline(text, embed=embed) if f.rule == "outline.overlap"] == []


@pytest.mark.parametrize("unrelated", ["四、推进乡村振兴，发展特色农业产业", "四、打好污染防治攻坚战"])
def test_a_point_from_another_field_is_reported_as_unrelated_to_the_thesis(embed, unrelated):
    text = outline_text("000").rstrip("\n") + "\n" + unrelated
    findings = [f for f in check_outline(text, thesis=OWN_THESES["000"], embed=embed) if f.rule == "outline.off-thesis"]
    assert [(f.line, f.severity) for f in findings] == [(15, "info")]
    assert OWN_THESES["000"][:10] in findings[0].message


def test_an_unrelated_thesis_is_reported_for_most_points(embed):
    findings = check_outline(outline_text("002"), thesis="推进乡村振兴，发展特色农业产业", embed=embed)
    assert len([f for f in findings if f.rule == "outline.off-thesis"]) >= 2
