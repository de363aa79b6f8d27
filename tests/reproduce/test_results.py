"""Tests of reproduce.results and reproduce.atomic: JSON conversion, hashing, atomic writes."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from toy_claims import ToyConfig, make_claim

from reproduce import atomic
from reproduce.claims import Judgement, Measurement
from reproduce.fingerprint import code_fingerprint
from reproduce.presets import PRESETS, Preset
from reproduce.results import (
    build_result,
    cache_key,
    claim_rng,
    config_hash,
    load_result,
    provenance,
    to_jsonable,
    write_json_atomic,
)


@dataclasses.dataclass(frozen=True)
class Pair:
    a: int
    b: tuple


# --- to_jsonable ------------------------------------------------------------------------


def test_to_jsonable_numpy_scalars_become_python_types():
    out = to_jsonable([np.float32(1.5), np.int64(7), np.bool_(True), np.uint8(3)])
    assert out == [1.5, 7, True, 3]
    assert [type(x) for x in out] == [float, int, bool, int]


def test_to_jsonable_arrays_tuples_paths_dataclasses():
    obj = {
        "m": np.arange(6).reshape(2, 3),
        "t": (1, (2, 3)),
        "p": Path("figures") / "a.png",
        "d": Pair(1, (np.float64(0.5),)),
        "z": np.array(2.0),
    }
    assert to_jsonable(obj) == {
        "m": [[0, 1, 2], [3, 4, 5]],
        "t": [1, [2, 3]],
        "p": "figures/a.png",
        "d": {"a": 1, "b": [0.5]},
        "z": 2.0,
    }


def test_to_jsonable_nonfinite_floats_become_strings():
    values = [float("nan"), np.inf, -np.inf, np.array([np.nan, 1.0])]
    out = to_jsonable(values)
    assert out == ["nan", "inf", "-inf", ["nan", 1.0]]
    # The strings map back to the same floats, and the output is strict JSON.
    assert np.isnan(float(out[0])) and float(out[1]) == np.inf and float(out[2]) == -np.inf
    json.dumps(out, allow_nan=False)


def test_to_jsonable_rejects_unknown_types_by_name():
    class Widget:
        pass

    with pytest.raises(TypeError, match="Widget"):
        to_jsonable({"w": Widget()})
    with pytest.raises(TypeError, match="complex"):
        to_jsonable(1 + 2j)
    with pytest.raises(TypeError, match="keys must be str"):
        to_jsonable({1: "a"})


# --- config_hash and claim_rng ------------------------------------------------------------


def test_config_hash_is_sha256_of_canonical_json():
    claim, preset = make_claim(n=5), PRESETS["default"]
    text = json.dumps(
        {"claim_id": claim.id, "version": 1, "seed": preset.seed, "config": {"n": 5, "scale": 1.0}},
        sort_keys=True,
        separators=(",", ":"),
    )
    assert config_hash(claim, preset) == hashlib.sha256(text.encode()).hexdigest()


def test_config_hash_changes_with_config_version_and_seed():
    preset = PRESETS["default"]
    base = make_claim(n=5)
    other_config = make_claim(n=6)
    other_version = dataclasses.replace(base, version=2)
    hashes = {
        config_hash(base, preset),
        config_hash(other_config, preset),
        config_hash(other_version, preset),
        config_hash(base, preset, seed=1),
        config_hash(base, Preset("default", "same name, other seed", None, seed=1)),
    }
    assert len(hashes) == 4  # the last two coincide: the seed override equals the preset seed
    assert config_hash(base, preset, seed=preset.seed) == config_hash(base, preset)


def test_claim_rng_reproducible_and_independent_per_id_and_seed():
    a1, a2 = claim_rng(3, "toy.alpha").random(5), claim_rng(3, "toy.alpha").random(5)
    assert np.array_equal(a1, a2)
    assert not np.array_equal(a1, claim_rng(3, "toy.beta").random(5))
    assert not np.array_equal(a1, claim_rng(4, "toy.alpha").random(5))


@pytest.mark.parametrize("seed", [-1, 1.5, "0", True])
def test_claim_rng_rejects_bad_seeds(seed):
    with pytest.raises(ValueError, match="seed"):
        claim_rng(seed, "toy.alpha")


# --- atomic writes and loading ------------------------------------------------------------


def test_write_json_atomic_is_canonical(tmp_path):
    path = write_json_atomic(tmp_path / "sub" / "r.json", {"b": np.float64(0.5), "a": (1, 2)})
    text = path.read_text()
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert text == json.dumps({"a": [1, 2], "b": 0.5}, indent=1, sort_keys=True) + "\n"
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_failed_replace_keeps_old_file_and_leaves_no_temp(tmp_path, monkeypatch):
    path = write_json_atomic(tmp_path / "r.json", {"old": 1})
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        write_json_atomic(path, {"new": 2})
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_unserialisable_object_keeps_old_file(tmp_path):
    path = write_json_atomic(tmp_path / "r.json", {"old": 1})
    with pytest.raises(TypeError, match="object"):
        write_json_atomic(path, {"new": object()})
    assert json.loads(path.read_text()) == {"old": 1}
    assert os.listdir(tmp_path) == ["r.json"]


def test_load_result_missing_invalid_and_valid(tmp_path):
    assert load_result(tmp_path / "absent.json") is None
    broken = tmp_path / "broken.json"
    broken.write_text('{"claim_id": ')
    with pytest.warns(UserWarning, match="not valid JSON"):
        assert load_result(broken) is None
    good = write_json_atomic(tmp_path / "good.json", {"claim_id": "toy.alpha"})
    assert load_result(good) == {"claim_id": "toy.alpha"}


# --- provenance and build_result ----------------------------------------------------------


def test_provenance_versions_match_installed_packages(monkeypatch):
    monkeypatch.setenv("REPRODUCE_THREADS", "1")
    info = provenance()
    assert set(info) == {"python", "platform", "cpu", "cpu_count", "environment", "versions", "git_commit", "git_dirty"}
    assert info["environment"]["REPRODUCE_THREADS"] == "1" and "ATEN_CPU_CAPABILITY" in info["environment"]
    assert info["versions"]["numpy"] == importlib.metadata.version("numpy")
    assert info["versions"]["torch"] == importlib.metadata.version("torch")
    assert info["python"] == ".".join(map(str, sys.version_info[:3]))
    assert info["git_dirty"] in (None, True, False)


def test_provenance_does_not_import_torch():
    code = "import sys, reproduce.results as r; r.provenance(); print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_build_result_fields():
    claim, preset = make_claim(n=3), PRESETS["quick"]
    values = {"mean": np.float64(0.25), "draws": np.array([0.0, 0.5, np.inf])}
    measurement = Measurement(values, "mean = 0.25", {"curve": (1, 2)})
    judgement = Judgement("differs", "0.25 is not 0", {"abs": 0.1})
    result = build_result(claim, preset, 7, measurement, judgement, 1.23456, ["figures/quick/x.png"])
    assert result["measured"] == {"mean": 0.25, "draws": [0.0, 0.5, "inf"]}
    assert result["config"] == dataclasses.asdict(ToyConfig(n=3))
    assert result["config_hash"] == config_hash(claim, preset, seed=7)
    assert (result["seed"], result["preset"], result["verdict"]) == (7, "quick", "differs")
    assert result["figures"] == ["figures/quick/x.png"]
    assert result["wall_s"] == 1.235 and result["schema"] == 3
    assert result["code"]["fingerprint"] == code_fingerprint(claim.module)
    assert result["cache_key"] == cache_key(claim, preset, seed=7)
    required = {"claim_id", "paper", "kind", "location", "statement", "reason", "paper_value", "headline"}
    assert required | {"tolerance", "details", "deterministic", "provenance"} <= set(result)
    json.dumps(result, allow_nan=False)


def test_build_result_rejects_wrong_measure_output():
    claim = make_claim()
    with pytest.raises(TypeError, match="Measurement"):
        build_result(claim, PRESETS["quick"], 0, {"mean": 0}, Judgement("reproduced", "ok", 0), 0.0, [])
