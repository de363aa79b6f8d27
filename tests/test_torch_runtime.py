"""The one device policy and the cache locks of :mod:`reproduce.torch_runtime`."""

import multiprocessing
import time

import pytest
import torch

from reproduce.devices import DEVICE_ENV
from reproduce.presets import PRESETS, Preset
from reproduce.torch_runtime import cache_lock, entry_name, pick_device, run_device


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
