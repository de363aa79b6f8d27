"""Tests of reproduce.checklist: value formatting, the table, marker replacement, sync checks."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from toy_claims import ToyConfig, make_claim

from reproduce.checklist import END, START, check_sync, format_value, main, render_table, update_checklist
from reproduce.paths import checklist_path, result_path, results_dir
from reproduce.plotting import stamp_source
from reproduce.results import load_results, write_json_atomic
from reproduce.runner import run

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _result(claim_id="toy.alpha", **extra):
    base = {
        "claim_id": claim_id,
        "location": "eq. 1",
        "statement": "A statement.",
        "paper_value": 0.5,
        "headline": "0.49",
        "verdict": "reproduced",
        "figures": [],
    }
    return base | extra


# --- format_value and render_table --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.14159265, "3.142"),
        (123456.0, "1.235e5"),
        (0.000123456, "0.0001235"),
        (1e-9, "1e-9"),
        (42, "42"),
        (True, "true"),
        (None, "—"),
        ("n/a (no number)", "n/a (no number)"),
        ({"a": 1.0, "b": "x"}, "a = 1; b = x"),
        ([1, 2.0, [3, 4]], "[1, 2, [3, 4]]"),
        (list(range(10)), "[0, 1, 2, 3, 4, 5, … (10 items)]"),
    ],
)
def test_format_value(value, expected):
    assert format_value(value) == expected


def test_render_table_rows_columns_and_escaping():
    results = [_result("toy.beta", statement="a | b\nc", verdict="differs"), _result("toy.alpha")]
    lines = render_table(results).splitlines()
    assert len(lines) == 4
    assert [len(_UNESCAPED_PIPE.split(line)) for line in lines] == [10] * 4  # 8 cells + 2 edges
    assert lines[2].startswith("| `toy.alpha` |") and lines[3].startswith("| `toy.beta` |")
    assert r"a \| b c" in lines[3] and "**differs**" in lines[3]
    assert "`python -m reproduce.all --only toy.beta --force`" in lines[3]


def test_render_table_paper_names_and_figure_links():
    row = render_table([_result("myopia.x", figures=["figures/myopia.x.png"])]).splitlines()[2]
    assert "Generative Myopia (Siami), eq. 1" in row
    assert "[myopia.x.png](figures/myopia.x.png)" in row
    assert "Spectral bias (Wang & Pehlevan)" in render_table([_result("spectral.y")])
    assert "Both papers" in render_table([_result("bridge.z")])


# --- update_checklist -----------------------------------------------------------------------


def test_update_creates_missing_file(tmp_path):
    path = update_checklist(tmp_path / "paper_claims.md", [_result()])
    text = path.read_text()
    assert text.startswith("# ") and "python -m reproduce.checklist" in text and "results/default/" in text
    assert text.index(START) < text.index("`toy.alpha`") < text.index(END) < text.index("## Discussion")


def test_update_leaves_everything_outside_the_markers_byte_identical(tmp_path):
    head = "# My title\r\n\r\nIntro with ünïcode and trailing spaces   \n\n"
    tail = "\n\n## Discussion\n\n### toy.alpha\n\nProse | with a pipe.\r\nNo final newline"
    path = tmp_path / "paper_claims.md"
    path.write_bytes(f"{head}{START}\nold table\n{END}{tail}".encode())
    update_checklist(path, [_result()])
    update_checklist(path, [_result(), _result("toy.beta")])
    data = path.read_bytes()
    assert data.startswith((head + START).encode()) and data.endswith((END + tail).encode())
    assert data == f"{head}{START}\n{render_table([_result(), _result('toy.beta')])}\n{END}{tail}".encode()


@pytest.mark.parametrize("body", ["no markers", f"{END}\n{START}", f"{START}{START}{END}"])
def test_update_rejects_bad_markers(tmp_path, body):
    path = tmp_path / "paper_claims.md"
    path.write_text(body)
    with pytest.raises(ValueError, match="must contain"):
        update_checklist(path, [])
    assert path.read_text() == body


# --- check_sync -----------------------------------------------------------------------------


@pytest.fixture
def synced(tmp_path):
    """A root whose results, figures, table and discussion agree for two toy claims."""
    claims = [make_claim("toy.alpha"), make_claim("toy.beta", verdict="differs")]
    run(claims, "default", root=tmp_path, progress=io.StringIO())
    update_checklist(checklist_path(tmp_path), load_results(results_dir(tmp_path, "default")))
    with checklist_path(tmp_path).open("a") as f:
        f.write("\n### toy.alpha\n\nFine.\n\n### `toy.beta` — why it differs\n\nToy.\n")
    assert check_sync(tmp_path, claims) == []
    return tmp_path, claims


def _only(problems, text):
    assert len(problems) == 1, problems
    assert text in problems[0]


def test_missing_result(synced):
    root, claims = synced
    result_path(root, "default", "toy.beta").unlink()
    problems = check_sync(root, claims)
    assert any("toy.beta: no readable result" in p for p in problems)


def test_config_hash_differs(synced):
    root, claims = synced
    changed = dataclasses.replace(claims[0], configs={k: ToyConfig(n=9) for k in claims[0].configs})
    _only(check_sync(root, [changed, claims[1]]), "config_hash differs")


def test_result_of_unknown_claim(synced):
    root, claims = synced
    _only(check_sync(root, [claims[0]]), "unknown claim 'toy.beta'")


def test_table_out_of_date(synced):
    root, claims = synced
    path = checklist_path(root)
    path.write_text(path.read_text().replace("**differs**", "**reproduced**"))
    _only(check_sync(root, claims), "table in paper_claims.md is out of date")


def test_missing_checklist(synced):
    root, claims = synced
    checklist_path(root).unlink()
    _only(check_sync(root, claims), "paper_claims.md is missing")


def test_listed_figure_missing(synced):
    root, claims = synced
    (root / "figures" / "toy.alpha.png").unlink()
    _only(check_sync(root, claims), "figure figures/toy.alpha.png is listed but missing")


def test_stale_figure_stamp(synced):
    root, claims = synced
    stamp_source(root / "figures" / "toy.beta.png", "0" * 64)
    _only(check_sync(root, claims), "toy.beta: figure figures/toy.beta.png was not drawn from the current result")


def test_result_edited_after_drawing(synced):
    root, claims = synced
    path = result_path(root, "default", "toy.alpha")
    write_json_atomic(path, json.loads(path.read_text()) | {"reason": "edited by hand"})
    _only(check_sync(root, claims), "toy.alpha: figure figures/toy.alpha.png was not drawn")


def test_missing_discussion_section(synced):
    root, claims = synced
    path = checklist_path(root)
    path.write_text(path.read_text().replace("### toy.alpha\n", "### something else\n"))
    _only(check_sync(root, claims), "no '### toy.alpha' section")


def test_main_check_and_regenerate(synced, capsys):
    root, claims = synced
    assert main(["--root", str(root), "--check"], claims) == 0
    path = checklist_path(root)
    before = path.read_text()
    path.write_text(before.replace("**differs**", "**reproduced**"))
    assert main(["--root", str(root), "--check"], claims) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["--root", str(root)], claims) == 0
    assert path.read_text() == before
