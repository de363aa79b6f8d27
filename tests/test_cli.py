"""Tests of the command line ``python -m reproduce.all``."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from toy_claims import make_claim

from reproduce.all import main
from reproduce.paths import REPO_ROOT, checklist_path, figures_dir, result_path
from reproduce.presets import PRESETS


def _main(root, *args, claims):
    return main(["--root", str(root), *args], claims)


def test_help_mentions_every_option_and_preset():
    done = subprocess.run(
        [sys.executable, "-m", "reproduce.all", "--help"], capture_output=True, text=True, cwd=REPO_ROOT
    )
    assert done.returncode == 0
    for option in ("--preset", "--only", "--list", "--force", "--seed", "--root", "--no-figures"):
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
    assert calls["measure"] == 0 and not (tmp_path / "results").exists()


def test_error_exits_1_and_differs_exits_0(tmp_path, capsys):
    good, differs, bad = make_claim("toy.good"), make_claim("toy.odd", verdict="differs"), make_claim("toy.bad", fail=True)
    assert _main(tmp_path, "--preset", "quick", claims=[good, differs, bad]) == 1
    captured = capsys.readouterr()
    assert "toy failure" in captured.err
    assert "3 claim(s), 1 error(s)" in captured.out and "budget 180 s" in captured.out
    assert _main(tmp_path, "--preset", "quick", "--only", "toy.good", "toy.odd", claims=[good, differs, bad]) == 0


def test_default_preset_regenerates_checklist_from_all_results(tmp_path):
    claims = [make_claim("toy.alpha"), make_claim("toy.beta")]
    assert _main(tmp_path, "--only", "toy.alpha", claims=claims) == 0
    assert _main(tmp_path, "--only", "toy.beta", claims=claims) == 0
    text = checklist_path(tmp_path).read_text()
    assert "`toy.alpha`" in text and "`toy.beta`" in text


def test_quick_preset_leaves_the_checklist_alone(tmp_path):
    assert _main(tmp_path, "--preset", "quick", claims=[make_claim()]) == 0
    assert not checklist_path(tmp_path).exists()


def test_seed_force_and_no_figures(tmp_path, capsys):
    calls = {}
    claim = make_claim(calls=calls)
    path = result_path(tmp_path, "quick", claim.id)
    assert _main(tmp_path, "--preset", "quick", "--seed", "1", "--no-figures", claims=[claim]) == 0
    first = json.loads(path.read_text())
    assert first["seed"] == 1 and first["figures"] == [] and not figures_dir(tmp_path, "quick").exists()
    assert _main(tmp_path, "--preset", "quick", "--seed", "2", claims=[claim]) == 0
    second = json.loads(path.read_text())
    assert second["measured"] != first["measured"] and calls["measure"] == 2
    assert _main(tmp_path, "--preset", "quick", "--seed", "2", "--force", claims=[claim]) == 0
    assert calls["measure"] == 3
    assert json.loads(path.read_text())["measured"] == second["measured"]
    assert "computed" in capsys.readouterr().out
