"""The one device policy, the cache locks and the safe checkpoints of :mod:`reproduce.torch_runtime`."""

import multiprocessing
import pickle
import time
import warnings

import numpy as np
import pytest
import torch

from reproduce.devices import DEVICE_ENV
from reproduce.presets import PRESETS, Preset
from reproduce.torch_runtime import (
    CHECKPOINT_ENV,
    cache_lock,
    checkpoint_dir,
    entry_name,
    load_checkpoint,
    pick_device,
    run_device,
    save_checkpoint,
)


@pytest.fixture(autouse=True)
def _no_device_override(monkeypatch):
    monkeypatch.delenv(DEVICE_ENV, raising=False)


def test_pick_device():
    assert pick_device("cpu") == torch.device("cpu")
    assert pick_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(ValueError, match="device must be one of"):
        pick_device("bogus")


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available")
def test_cuda_without_cuda_is_an_error():
    with pytest.raises(ValueError, match="torch sees no CUDA device"):
        pick_device("cuda")


def test_run_device_reads_the_one_environment_variable(monkeypatch):
    assert run_device() == torch.device("cpu")  # unset: the CPU
    monkeypatch.setenv(DEVICE_ENV, "cpu")
    assert run_device() == torch.device("cpu")
    monkeypatch.setenv(DEVICE_ENV, "auto")
    assert run_device().type == ("cuda" if torch.cuda.is_available() else "cpu")
    monkeypatch.setenv(DEVICE_ENV, "tpu")
    with pytest.raises(ValueError, match="REPRODUCE_DEVICE must be one of .* got 'tpu'"):
        run_device()


def test_presets_train_on_the_cpu_except_paper():
    assert {p.name: p.device for p in PRESETS.values()} == {"quick": "cpu", "default": "cpu", "paper": "auto"}
    with pytest.raises(ValueError, match="device must be"):
        Preset("x", "bad device", None, device="gpu")


def test_a_cuda_checkpoint_is_cached_apart_from_the_cpus():
    assert entry_name("abc", torch.device("cpu")) == "abc.pt"
    assert entry_name("abc", torch.device("cuda")) == "abc-cuda.pt"


def _hold(path, held, marker):
    with cache_lock(path):
        held.set()
        time.sleep(1.0)
        marker.write_text("written while holding the lock")


def test_cache_lock_makes_a_second_process_wait(tmp_path):
    ctx = multiprocessing.get_context("spawn")
    held = ctx.Event()
    marker = tmp_path / "marker"
    child = ctx.Process(target=_hold, args=(tmp_path / "entry.pt", held, marker))
    child.start()
    try:
        assert held.wait(60), "the child never took the lock"
        with cache_lock(tmp_path / "entry.pt"):
            assert marker.exists(), "the lock was granted while another process held it"
    finally:
        child.join(60)
    assert child.exitcode == 0


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available")
def test_the_cuda_benchmark_says_when_there_is_no_gpu(capsys):
    from reproduce.bench.denoisers import main

    with pytest.raises(SystemExit) as stop:
        main(["--cuda"])
    assert stop.value.code == 2
    assert "--cuda needs a CUDA device, and torch sees none" in capsys.readouterr().err


# --------------------------------------------------------------------------- checkpoints


def test_checkpoint_dir_one_folder_per_family(monkeypatch, tmp_path):
    monkeypatch.setenv(CHECKPOINT_ENV, str(tmp_path))
    assert checkpoint_dir("graph_diffusion") == tmp_path / "graph_diffusion"
    assert checkpoint_dir("denoisers") == tmp_path / "denoisers"
    monkeypatch.delenv(CHECKPOINT_ENV)
    assert checkpoint_dir("denoisers").parts[-3:] == (".cache", "checkpoints", "denoisers")
    with pytest.raises(ValueError, match="unknown model family"):
        checkpoint_dir("gans")
    monkeypatch.setenv(CHECKPOINT_ENV, " ")
    with pytest.raises(ValueError, match="set but empty"):
        checkpoint_dir("denoisers")


def test_checkpoint_round_trip_keeps_numpy_arrays_bit_for_bit(tmp_path):
    rng = np.random.default_rng(0)
    payload = {
        "model": {"w": torch.randn(3, 2)},
        "gen": torch.Generator().manual_seed(1).get_state(),
        "state": {
            "step": 7,
            "variances": [rng.random(4), rng.random(4)],
            "alignment": [np.float64(0.25)],
            "snapshots": [rng.random((2, 3)).astype(np.float32)],
            "train_seconds": 1.5,
        },
    }
    path = tmp_path / "k.pt"
    save_checkpoint(path, payload)
    back = load_checkpoint(path, required=("model", "gen", "state"))
    assert torch.equal(back["model"]["w"], payload["model"]["w"])
    assert torch.equal(back["gen"], payload["gen"])
    for a, b in zip(back["state"]["variances"], payload["state"]["variances"]):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert back["state"]["snapshots"][0].dtype == np.float32
    assert back["state"]["alignment"] == [0.25] and back["state"]["step"] == 7


class _Planted:
    """Unpickling this would create a file: what a malicious checkpoint could do."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_a_planted_checkpoint_runs_no_code_and_is_discarded(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "k.pt"
    torch.save({"model": _Planted(marker)}, path, pickle_module=pickle)
    with pytest.warns(RuntimeWarning, match="discarding the unreadable checkpoint"):
        assert load_checkpoint(path) is None
    assert not marker.exists() and not path.exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "missing_key"])
def test_a_damaged_checkpoint_is_discarded_with_a_warning(tmp_path, damage):
    path = tmp_path / "k.pt"
    save_checkpoint(path, {"model": {"w": torch.ones(100)}, "state": {"step": 1}})
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:-60])
    elif damage == "garbage":
        path.write_bytes(b"not a checkpoint")
    with pytest.warns(RuntimeWarning, match="discarding"):
        assert load_checkpoint(path, required=("model", "state", "optim") if damage == "missing_key" else ()) is None
    assert not path.exists()


def test_orphaned_temporary_files_are_removed(tmp_path):
    path = tmp_path / "k.pt"
    orphan = tmp_path / ".k.pt.abc123.tmp"
    other = tmp_path / ".other.pt.abc123.tmp"
    orphan.write_bytes(b"half")
    other.write_bytes(b"half")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_checkpoint(path) is None
    assert not orphan.exists() and other.exists()  # only this entry's temporaries
