"""Tests of the command line ``python -m reproduce.all``."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from toy_claims import make_claim

import reproduce.all
from reproduce.all import EXIT_DISAGREES, main
from reproduce.paths import REPO_ROOT, cached_result_path, checklist_path, result_path, run_dir
from reproduce.presets import PRESETS


def _main(root, *args, claims):
    return main(["--root", str(root), *args], claims)


@pytest.fixture
def clean_tree(monkeypatch):
    """Make --record believe the code is committed (the developer's tree may not be)."""
    monkeypatch.setattr(reproduce.all, "provenance", lambda: {"git_dirty": False})


def test_help_mentions_every_option_and_preset():
    done = subprocess.run(
        [sys.executable, "-m", "reproduce.all", "--help"], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert done.returncode == 0
    for option in (
        "--preset",
        "--only",
        "--list",
        "--force",
        "--seed",
        "--root",
        "--no-figures",
        "--record",
        "--strict",
    ):
        assert option in done.stdout
    for preset in PRESETS.values():
        assert preset.name in done.stdout and preset.description in " ".join(done.stdout.split())
        if preset.budget_s is not None:
            assert f"target {preset.budget_s / 60:.0f} min" in done.stdout


def test_unknown_preset_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        _main(tmp_path, "--preset", "huge", claims=[make_claim()])
    assert exc.value.code == 2
    assert "invalid choice: 'huge'" in capsys.readouterr().err


def test_only_matching_nothing_exits_2_with_the_message(tmp_path, capsys):
    calls = {}
    assert _main(tmp_path, "--only", "nosuch", claims=[make_claim(calls=calls)]) == 2
    err = capsys.readouterr().err
    assert "no claim matches 'nosuch'" in err and "toy.alpha" in err
    assert calls["measure"] == 0


def test_negative_seed_exits_2(tmp_path):
    with pytest.raises(SystemExit) as exc:
        _main(tmp_path, "--seed", "-3", claims=[make_claim()])
    assert exc.value.code == 2


def test_list_prints_claims_without_running(tmp_path, capsys):
    calls = {}
    claims = [make_claim("toy.alpha", calls=calls), make_claim("toy.beta", statement="Beta holds.")]
    assert _main(tmp_path, "--list", claims=claims) == 0
    out = capsys.readouterr().out
    assert "toy.alpha  [paper]  eq. 1  (presets: quick, default, paper)" in out and "Beta holds." in out
    assert "toy_claims: " in out
    assert out.count("no default record") == 2
    assert calls["measure"] == 0 and not (tmp_path / "results").exists()


def test_list_shows_the_recorded_verdict_and_cost(tmp_path, clean_tree, capsys):
    claim = make_claim()
    assert _main(tmp_path, "--preset", "quick", "--record", claims=[claim]) == 0
    capsys.readouterr()
    assert _main(tmp_path, "--list", "--preset", "quick", claims=[claim]) == 0
    assert "    quick record: reproduced, last recorded run " in capsys.readouterr().out


def test_error_exits_1_and_differs_exits_0(tmp_path, capsys):
    good, differs, bad = (
        make_claim("toy.good"),
        make_claim("toy.odd", verdict="differs"),
        make_claim("toy.bad", fail=True),
    )
    assert _main(tmp_path, "--preset", "quick", claims=[good, differs, bad]) == 1
    captured = capsys.readouterr()
    assert "toy failure" in captured.err
    assert "3 claim(s), 1 error(s)" in captured.out and "budget 180 s" in captured.out
    assert _main(tmp_path, "--preset", "quick", "--only", "toy.good", "toy.odd", claims=[good, differs, bad]) == 0


def test_record_on_the_default_preset_regenerates_checklist_from_all_results(tmp_path, clean_tree):
    claims = [make_claim("toy.alpha"), make_claim("toy.beta")]
    assert _main(tmp_path, "--only", "toy.alpha", "--record", claims=claims) == 0
    assert _main(tmp_path, "--only", "toy.beta", "--record", claims=claims) == 0
    text = checklist_path(tmp_path).read_text()
    assert "`toy.alpha`" in text and "`toy.beta`" in text


def test_without_record_the_record_and_checklist_are_left_alone(tmp_path, capsys):
    assert _main(tmp_path, claims=[make_claim()]) == 0
    assert not checklist_path(tmp_path).exists() and not (tmp_path / "results").exists()
    out = capsys.readouterr().out
    assert "0 of 1 claims agree with the committed record" in out
    assert "there is no record of preset default to compare with" in out
    assert f"figures of this run: {run_dir(tmp_path, 'default') / 'figures'}" in out


def test_quick_record_leaves_the_checklist_alone(tmp_path, clean_tree):
    assert _main(tmp_path, "--preset", "quick", "--record", claims=[make_claim()]) == 0
    assert result_path(tmp_path, "quick", "toy.alpha").is_file()
    assert not checklist_path(tmp_path).exists()


def test_record_refuses_a_dirty_tree_and_figureless_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(reproduce.all, "provenance", lambda: {"git_dirty": True})
    calls = {}
    assert _main(tmp_path, "--record", claims=[make_claim(calls=calls)]) == 2
    assert "Commit first" in capsys.readouterr().err and calls["measure"] == 0
    with pytest.raises(SystemExit) as exc:
        _main(tmp_path, "--record", "--no-figures", claims=[make_claim()])
    assert exc.value.code == 2


def test_agreement_summary_and_strict(tmp_path, clean_tree, capsys):
    assert _main(tmp_path, "--preset", "quick", "--record", claims=[make_claim()]) == 0
    capsys.readouterr()
    assert (
        _main(tmp_path, "--preset", "quick", "--strict", claims=[make_claim(), make_claim("toy.new")]) == EXIT_DISAGREES
    )
    out = capsys.readouterr().out
    assert "1 of 2 claims agree with the committed record (results/quick/)." in out
    assert "!!!   toy.new: no committed record" in out
    assert _main(tmp_path, "--preset", "quick", "--strict", claims=[make_claim()]) == 0
    odd = make_claim(verdict="differs")
    assert _main(tmp_path, "--preset", "quick", "--force", claims=[odd]) == 0
    out = capsys.readouterr().out
    assert (
        "0 of 1 claims agree" in out
        and "!!!   toy.alpha: DIFFERS from the record: verdict reproduced -> differs" in out
    )
    assert "verdicts by paper:\n  toy: 1 differs" in out
    assert "verdict changed since the record: toy.alpha: reproduced -> differs" in out
    assert (
        "the checklist and its overview figure (regenerated from the default record by --record): "
        f"{tmp_path / 'paper_claims.md'}, {tmp_path / 'figures' / 'overview.png'}"
    ) in out
    assert _main(tmp_path, "--preset", "quick", "--strict", claims=[odd]) == EXIT_DISAGREES


def test_seed_force_and_no_figures(tmp_path, capsys):
    calls = {}
    claim = make_claim(calls=calls)
    path = cached_result_path(tmp_path, "quick", claim.id)
    assert _main(tmp_path, "--preset", "quick", "--seed", "1", "--no-figures", claims=[claim]) == 0
    first = json.loads(path.read_text())
    assert first["seed"] == 1 and first["figures"] == [] and not (run_dir(tmp_path, "quick") / "figures").exists()
    assert _main(tmp_path, "--preset", "quick", "--seed", "2", claims=[claim]) == 0
    second = json.loads(path.read_text())
    assert second["measured"] != first["measured"] and calls["measure"] == 2
    assert _main(tmp_path, "--preset", "quick", "--seed", "2", "--force", claims=[claim]) == 0
    assert calls["measure"] == 3
    assert json.loads(path.read_text())["measured"] == second["measured"]
    assert "computed" in capsys.readouterr().out


def test_budget_overrides_are_checked_and_kept_out_of_the_default_record(tmp_path, clean_tree, capsys):
    for bad in (("--replicates", "0"), ("--records", "1")):
        with pytest.raises(SystemExit) as exc:
            _main(tmp_path, *bad, claims=[make_claim()])
        assert exc.value.code == 2
    assert _main(tmp_path, "--record", "--replicates", "1", claims=[make_claim()]) == 2
    assert "without budget overrides" in capsys.readouterr().err
    assert _main(tmp_path, "--preset", "quick", "--replicates", "2", claims=[make_claim()]) == 0
    stored = json.loads(cached_result_path(tmp_path, "quick", "toy.alpha").read_text())
    assert stored["overrides"] == {"replicates": 2}


def _unwritable(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    return folder


@pytest.mark.parametrize("kind", ["file", "under_a_file", "unwritable"])
def test_a_bad_root_is_refused_before_any_claim_runs(tmp_path, capsys, kind):
    """Issue 13: an unwritable --root used to fail only after every claim had computed."""
    (tmp_path / "file").write_text("x")
    if kind == "file":
        root, message = tmp_path / "file", "is a file"
    elif kind == "under_a_file":
        root, message = tmp_path / "file" / "sub", "cannot write in the root folder"
    else:
        root, message = _unwritable(tmp_path), "cannot write in the root folder"
        if os.access(root, os.W_OK):  # running as root: permissions are not enforced
            root.chmod(0o700)
            pytest.skip("file permissions are not enforced for this user")
    calls = {}
    try:
        assert _main(root, "--no-figures", claims=[make_claim(calls=calls)]) == 2
    finally:
        if kind == "unwritable":
            root.chmod(0o700)
    assert message in capsys.readouterr().err
    assert calls["measure"] == 0


def test_an_empty_root_is_an_error(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--root", "", "--list"], [make_claim()])
    assert stop.value.code == 2 and "must not be empty" in capsys.readouterr().err
