"""Tests of reproduce.checklist: value formatting, the table, marker replacement, sync checks."""

from __future__ import annotations

import dataclasses
import io
import json
import re

import pytest
from toy_claims import ToyConfig, make_claim

import reproduce.checklist
import reproduce.results
from reproduce.checklist import (
    OVERVIEW_FIGURE,
    check_sync,
    format_value,
    in_short,
    main,
    ordered,
    render_checklist,
    render_discussion,
    render_summary,
    render_table,
    split_sections,
    update_checklist,
)
from reproduce.paths import checklist_path, discussion_path, result_path
from reproduce.plotting import stamp_source
from reproduce.results import write_json_atomic
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


def test_render_table_rows_columns_escaping_and_links():
    results = [_result("toy.beta", location="a | b\nc", verdict="differs"), _result("toy.alpha")]
    lines = render_table(results).splitlines()
    assert len(lines) == 4
    assert [len(_UNESCAPED_PIPE.split(line)) for line in lines] == [8] * 4  # 6 cells + 2 edges
    assert lines[2].startswith("| [`toy.beta`](#toy.beta) |"), "rows keep the order given"
    assert r"a \| b c" in lines[2] and "**differs**" in lines[2]
    assert "| 0.5 | 0.49 |" in lines[3], "without an overview entry: the paper value and the headline"


def test_render_table_shows_the_overview_numbers_of_a_known_claim():
    result = _result(
        "myopia.fig5_optimization",
        paper_value={"standard p": 0.05, "weighted p": 1.0},
        measured={"standard_p": 0.0500, "weighted_p": 0.7251},
        verdict="differs",
    )
    row = render_table([result]).splitlines()[2]
    assert "standard SGD p: 0.05<br>weighted SGD p: 1" in row
    assert "standard SGD p: 0.05<br>weighted SGD p: 0.725" in row


def test_render_table_shows_paper_preset_results_and_their_overrides():
    default = [_result("toy.alpha"), _result("toy.beta")]
    paper = [
        _result(
            "toy.alpha",
            headline="alpha 1.07 [0.97, 1.17]",
            verdict="extension",
            prediction="holds",
            overrides={"replicates": 1, "records": 48},
        )
    ]
    lines = render_table(default, paper).splitlines()
    assert (
        "**extension (holds)**: alpha 1.07 [0.97, 1.17] (budget override: replicates 1, records 48; "
        "`--preset paper --replicates 1 --records 48`)"
    ) in lines[2]
    assert "| **reproduced** | — |" in lines[3]


def test_the_verdict_placeholder_shows_an_extensions_prediction():
    text, problems = render_discussion(
        "### toy.alpha\nVerdict: {{verdict}}.", {"toy.alpha": _result(verdict="extension", prediction="fails")}
    )
    assert not problems and text.endswith("Verdict: extension (fails).")


def test_render_checklist_reads_the_paper_record(tmp_path):
    from reproduce.results import write_json_atomic

    write_json_atomic(
        tmp_path / "results" / "paper" / "toy.alpha.json",
        _result(headline="the paper-scale value", measured={"alpha": 0.987}),
    )
    (tmp_path / "reproduce").mkdir()
    (tmp_path / "reproduce" / "discussion.md").write_text(
        "### toy.alpha\nAt the paper's scale {{paper/measured.alpha | .2f}} ({{paper/toy.alpha :: verdict}}).\n"
        "### toy.beta\n{{paper/measured.alpha}}\n"
    )
    text, problems = render_checklist(tmp_path, [_result(), _result("toy.beta")])
    assert "**reproduced**: the paper-scale value" in text
    assert "At the paper's scale 0.99 (reproduced)." in text
    assert problems == [
        "placeholder '{{paper/measured.alpha}}' in section toy.beta: no result of toy.beta in results/paper/."
    ]


# --- the discussion: placeholders ----------------------------------------------------------

_RESULTS = {
    "toy.alpha": {"measured": {"mean": 0.123456, "rows": [{"z": -1.5}], "p_0.99": 7, "ratio": "nan"}},
    "toy.beta": {"measured": {"mean": 2.0}},
}


def test_placeholders_take_the_sections_claim_or_a_named_one():
    template = (
        "## Discussion\n\n### toy.alpha\n\nmean {{measured.mean | .3f}}, z {{ measured.rows.0.z }}, "
        "{{measured.ratio|.2f}}, beta {{toy.beta :: measured.mean | .1f}}.\n"
    )
    text, problems = render_discussion(template, _RESULTS)
    assert problems == []
    assert "mean 0.123, z -1.5, nan, beta 2.0." in text


def test_placeholders_that_cannot_be_filled_are_reported():
    template = (
        "{{measured.mean}}\n### toy.alpha\n{{measured.missing}} {{toy.gamma :: measured.x}} {{measured.mean|q}}\n"
    )
    text, problems = render_discussion(template, _RESULTS)
    assert len(problems) == 4
    assert "outside any claim's section" in problems[0]
    assert "no value at 'measured.missing'" in problems[1]
    assert "no result of toy.gamma" in problems[2]
    assert "cannot format" in problems[3]
    assert "{{measured.missing}}" in text  # left visible, never silently blank


def test_update_writes_summary_tables_sections_and_the_overview(tmp_path):
    discussion_path(tmp_path).parent.mkdir(parents=True)
    discussion_path(tmp_path).write_text(
        "<!-- authors' notes -->\n### toy.alpha\n\nIt is {{measured.mean}}.\n"
        "### myopia.x\n\nIn short: it is {{measured.mean}}, not 0.5.\n"
    )
    results = [
        _result(measured={"mean": 0.5}, figures=["figures/toy.alpha.png"]),
        _result("myopia.x", verdict="differs", measured={"mean": 0.25}),
        _result("spectral.y", verdict="extension", prediction="holds", measured={}),
    ]
    path = update_checklist(tmp_path, results)
    text = path.read_text()
    assert text.startswith("# ") and "reproduce/discussion.md" in text and "results/default/" in text
    assert "authors' notes" not in text
    summary = text[text.index("## Summary") : text.index("## <a id=")]
    assert "| [Spectral bias (Wang & Pehlevan)](#spectral) | 1 | · | · | 1 |" in summary
    assert "| [Generative Myopia (Siami)](#myopia) | 1 | · | 1 | · |" in summary
    assert "[`myopia.x`](#myopia.x), differs: it is 0.25, not 0.5." in summary
    assert f"![Every claim's numbers against the paper's]({OVERVIEW_FIGURE})" in summary
    # papers in their order, then other prefixes; each claim's section after its paper's table
    assert text.index('<a id="spectral">') < text.index('<a id="myopia">') < text.index('<a id="toy">')
    section = text[text.index('### <a id="toy.alpha">') :]
    assert "`python -m reproduce.all --only toy.alpha`" in section
    assert "![toy.alpha](figures/toy.alpha.png)" in section and section.endswith("It is 0.5.\n")
    assert (tmp_path / OVERVIEW_FIGURE).is_file()


def test_a_negative_verdict_needs_its_sentence(tmp_path):
    discussion_path(tmp_path).parent.mkdir(parents=True)
    discussion_path(tmp_path).write_text("### toy.alpha\n\nNo summary line.\n")
    with pytest.raises(ValueError, match="no 'In short:' line"):
        update_checklist(tmp_path, [_result(verdict="extension", prediction="fails")])
    assert not checklist_path(tmp_path).exists()


def test_split_sections_and_in_short():
    preamble, bodies = split_sections("Intro\n### toy.a — title\nIn short: one.\nMore.\n### `toy.b`\nTwo.")
    assert preamble == "Intro\n" and bodies == {"toy.a": "In short: one.\nMore.\n", "toy.b": "Two."}
    assert in_short(bodies["toy.a"]) == "one." and in_short(bodies["toy.b"]) is None


def test_ordered_follows_the_papers_and_their_claim_order():
    ids = ["myopia.lemma3_1", "toy.z", "bridge.starvation_law", "spectral.inverse_law", "spectral.eq7_weights"]
    groups = ordered([_result(i) for i in ids])
    assert [(p, [r["claim_id"] for r in rs]) for p, rs in groups] == [
        ("spectral", ["spectral.eq7_weights", "spectral.inverse_law"]),
        ("myopia", ["myopia.lemma3_1"]),
        ("bridge", ["bridge.starvation_law"]),
        ("toy", ["toy.z"]),
    ]


def test_summary_lists_only_negative_findings():
    groups = [("toy", [_result(), _result("toy.b", verdict="extension", prediction="holds")])]
    summary = render_summary(groups, {})
    assert "| [toy](#toy) | 2 | 1 | 1 |" in summary and "- **toy**" not in summary
    assert "No claim differs" in summary


def test_update_refuses_a_discussion_it_cannot_fill(tmp_path):
    discussion_path(tmp_path).parent.mkdir(parents=True)
    discussion_path(tmp_path).write_text("### toy.alpha\n{{measured.nothing}}\n")
    with pytest.raises(ValueError, match="measured.nothing"):
        update_checklist(tmp_path, [_result(measured={})])
    assert not checklist_path(tmp_path).exists()


# --- check_sync -----------------------------------------------------------------------------


@pytest.fixture
def clean_provenance(monkeypatch):
    """Results built in these tests say they came from committed code."""
    real = reproduce.results.provenance
    monkeypatch.setattr(reproduce.results, "provenance", lambda: real() | {"git_dirty": False})


@pytest.fixture
def synced(tmp_path, clean_provenance):
    """A root whose record, figures, checklist and discussion agree for two toy claims."""
    claims = [make_claim("toy.alpha"), make_claim("toy.beta", verdict="differs")]
    run(claims, "default", root=tmp_path, progress=io.StringIO(), record=True)
    discussion_path(tmp_path).parent.mkdir(parents=True)
    discussion_path(tmp_path).write_text(
        "## Discussion\n\n### toy.alpha\n\nThe mean is {{measured.mean | .4f}}.\n\n"
        "### `toy.beta` — why it differs\n\nIn short: toy.\n"
    )
    update_checklist(tmp_path)
    assert check_sync(tmp_path, claims) == []
    return tmp_path, claims


def _has(problems, *texts):
    for text in texts:
        assert any(text in p for p in problems), (text, problems)


def _fix_line(problems, *claim_ids):
    assert problems[-1].endswith("python -m reproduce.all --record --only " + " ".join(claim_ids)), problems


def test_missing_result(synced):
    root, claims = synced
    result_path(root, "default", "toy.beta").unlink()
    problems = check_sync(root, claims)
    _has(problems, "toy.beta: no readable result")
    _fix_line(problems, "toy.beta")


def test_config_hash_and_stored_config_differ(synced):
    root, claims = synced
    changed = dataclasses.replace(claims[0], configs={k: ToyConfig(n=9) for k in claims[0].configs})
    problems = check_sync(root, [changed, claims[1]])
    _has(problems, "config_hash differs", "stored config differs")
    _fix_line(problems, "toy.alpha")


def test_stale_code_names_the_changed_modules(synced, monkeypatch):
    root, claims = synced
    real = reproduce.checklist.closure_digests

    def changed(module):
        return real(module) | {"reproduce.plotting": "0" * 64}

    monkeypatch.setattr(reproduce.checklist, "closure_digests", changed)
    monkeypatch.setattr(reproduce.checklist, "code_fingerprint", lambda module: "f" * 64)
    problems = check_sync(root, claims)
    _has(problems, "toy.alpha: stale result", "modules changed since it was recorded: reproduce.plotting")
    _fix_line(problems, "toy.alpha", "toy.beta")


def test_a_verdict_flipped_by_hand_is_caught_by_rejudging(synced):
    root, claims = synced
    path = result_path(root, "default", "toy.beta")
    write_json_atomic(path, json.loads(path.read_text()) | {"verdict": "reproduced"})
    problems = check_sync(root, claims)
    _has(problems, "toy.beta: the stored verdict 'reproduced' is not what judge() gives", "was not drawn from")
    _fix_line(problems, "toy.beta")


def test_a_number_edited_by_hand_is_caught(synced):
    root, claims = synced
    path = result_path(root, "default", "toy.alpha")
    result = json.loads(path.read_text())
    result["measured"]["mean"] += 0.5
    write_json_atomic(path, result)
    problems = check_sync(root, claims)
    _has(
        problems, "toy.alpha: figure figures/toy.alpha.png was not drawn", "paper_claims.md differs from its rendering"
    )


def test_a_result_recorded_from_uncommitted_code(synced):
    root, claims = synced
    path = result_path(root, "default", "toy.alpha")
    result = json.loads(path.read_text())
    result["provenance"]["git_dirty"] = True
    write_json_atomic(path, result)
    _has(check_sync(root, claims), "toy.alpha: recorded from a tree with uncommitted code")


def test_result_of_unknown_claim(synced):
    root, claims = synced
    _has(check_sync(root, [claims[0]]), "unknown claim 'toy.beta'")


def test_checklist_edited_by_hand(synced):
    root, claims = synced
    path = checklist_path(root)
    path.write_text(path.read_text().replace("**differs**", "**reproduced**"))
    problems = check_sync(root, claims)
    assert len(problems) == 1 and "paper_claims.md differs from its rendering" in problems[0]


def test_discussion_number_typed_over_the_placeholder_is_caught(synced):
    root, claims = synced
    path = checklist_path(root)
    text = path.read_text()
    number = re.search(r"The mean is (-?\d\.\d{4})", text)[1]
    path.write_text(text.replace(f"The mean is {number}", "The mean is 0.0400"))
    _has(check_sync(root, claims), "paper_claims.md differs from its rendering")


def test_missing_checklist(synced):
    root, claims = synced
    checklist_path(root).unlink()
    _has(check_sync(root, claims), "paper_claims.md is missing")


def test_listed_figure_missing(synced):
    root, claims = synced
    (root / "figures" / "toy.alpha.png").unlink()
    _has(check_sync(root, claims), "figure figures/toy.alpha.png is listed but missing")


def test_unreadable_figure_gets_a_sentence_not_a_traceback(synced):
    root, claims = synced
    (root / "figures" / "toy.alpha.png").write_bytes(b"not a png at all")
    _has(check_sync(root, claims), "toy.alpha: figure figures/toy.alpha.png is unreadable")


def test_stale_figure_stamp(synced):
    root, claims = synced
    stamp_source(root / "figures" / "toy.beta.png", "0" * 64)
    _has(check_sync(root, claims), "toy.beta: figure figures/toy.beta.png was not drawn from the current result")


def test_overview_figure_stale_missing_or_damaged(synced):
    root, claims = synced
    figure = root / OVERVIEW_FIGURE
    stamp_source(figure, "0" * 64)
    _has(check_sync(root, claims), f"{OVERVIEW_FIGURE} was not drawn from the current record")
    figure.write_bytes(b"not a png")
    _has(check_sync(root, claims), f"{OVERVIEW_FIGURE} is unreadable")
    figure.unlink()
    _has(check_sync(root, claims), f"{OVERVIEW_FIGURE} is missing")
    update_checklist(root)
    assert check_sync(root, claims) == []


def test_missing_discussion_section(synced):
    root, claims = synced
    path = discussion_path(root)
    path.write_text(path.read_text().replace("### toy.alpha\n", "### something else\n"))
    _has(check_sync(root, claims), "no '### toy.alpha' section in reproduce/discussion.md")


def test_main_check_and_regenerate(synced, capsys):
    root, claims = synced
    assert main(["--root", str(root), "--check"], claims) == 0
    path = checklist_path(root)
    before = path.read_text()
    assert before == render_checklist(root)[0]
    path.write_text(before.replace("**differs**", "**reproduced**"))
    assert main(["--root", str(root), "--check"], claims) == 1
    assert "differs from its rendering" in capsys.readouterr().out
    assert main(["--root", str(root)], claims) == 0
    assert path.read_text() == before
