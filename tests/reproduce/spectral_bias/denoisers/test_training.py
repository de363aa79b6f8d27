"""Tests of :mod:`reproduce.spectral_bias.denoisers.training`: records, bit-exact resume, cache key, devices."""

import dataclasses

import numpy as np
import pytest
import torch

from reproduce.spectral_bias.denoisers import training as dt
from reproduce.spectral_bias.denoisers.edm import Preconditioned
from reproduce.spectral_bias.denoisers.generated_spectrum import eigenbasis

ALIGNMENT_ATOL = 1e-12  # the alignment score is at most 1 in exact arithmetic; round-off may put it an ulp above
EIGENBASIS_RTOL = 1e-12  # the recorded basis is the same float64 eigen-decomposition of the same data: round-off only

TINY = dict(
    arch="mlp",
    width=8,
    nlayers=2,
    emb_dim=8,
    steps=12,
    batch=16,
    samples=64,
    heun_steps=3,
    records=(1, 3, 6, 12),
    snapshot=4,
)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(autouse=True)
def _no_device_override(monkeypatch):
    monkeypatch.delenv("REPRODUCE_DEVICE", raising=False)


def _spec(**kw):
    return dt.DenoiserSpec(**{**TINY, **kw})


def _data(n=200, d=4, seed=0):
    return np.random.default_rng(seed).standard_normal((n, d)) * np.array([2.0, 1.0, 0.5, 0.25])[:d]


def _same(a, b):
    for name in ("steps", "variances", "alignment", "snapshots"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


# ---------------------------------------------------------------- a complete run


def test_complete_run_records(tmp_path):
    data = _data()
    rec = dt.train_and_record(_spec(), data, cache=tmp_path)
    r = len(TINY["records"])
    assert rec.steps.tolist() == list(TINY["records"])
    assert rec.variances.shape == (r, 4) and rec.alignment.shape == (r,) and rec.snapshots.shape == (r, 4, 4)
    assert np.all(np.isfinite(rec.variances)) and np.all(rec.variances > 0)
    assert np.all((rec.alignment > 0) & (rec.alignment <= 1 + ALIGNMENT_ATOL))
    assert rec.snapshots.dtype == np.float32
    np.testing.assert_allclose(rec.basis.variances, eigenbasis(data).variances, rtol=EIGENBASIS_RTOL)
    net = dt.build_network(_spec(), (4,))
    assert rec.parameters == sum(p.numel() for p in net.parameters())
    assert rec.device == "cpu"
    assert len(list(tmp_path.glob("*.pt"))) == 1
    assert set(rec.throughput(_spec())) == {"train_steps_per_s", "samples_per_s"}


def test_resume_is_bit_exact(tmp_path):
    data = _data()
    full = dt.train_and_record(_spec(), data, cache=tmp_path / "a")
    part = dt.train_and_record(_spec(), data, cache=tmp_path / "b", stop_after_records=2)
    assert part.steps.tolist() == list(TINY["records"][:2])
    _same(
        part,
        dataclasses.replace(
            full,
            steps=full.steps[:2],
            variances=full.variances[:2],
            alignment=full.alignment[:2],
            snapshots=full.snapshots[:2],
        ),
    )
    part = dt.train_and_record(_spec(), data, cache=tmp_path / "b", stop_after_records=1)  # one more record
    assert part.steps.tolist() == list(TINY["records"][:3])
    resumed = dt.train_and_record(_spec(), data, cache=tmp_path / "b")
    _same(resumed, full)
    again = dt.train_and_record(_spec(), data, cache=tmp_path / "b")  # finished cache: loaded, not rerun
    _same(again, full)
    assert again.train_seconds == resumed.train_seconds


def test_cache_key_depends_on_data_and_every_spec_field():
    data = _data()
    spec = _spec()
    key = spec.key(data)
    assert key == _spec().key(data.copy())
    assert key == spec.key(data.astype(np.float32))  # the key hashes the float32 bytes the model trains on
    changed = data.copy()
    changed[17, 2] += 0.5
    assert spec.key(changed) != key
    assert spec.key(data[:-1]) != key
    assert spec.key(data.reshape(200, 2, 2)) != key
    alternatives = dict(
        arch="cnn",
        width=9,
        nlayers=3,
        emb_dim=10,
        variant="legacy",
        base=5,
        levels=3,
        steps=13,
        batch=17,
        lr=2e-4,
        records=(1, 3, 6, 11),
        samples=65,
        heun_steps=4,
        snapshot=5,
        seed=1,
    )
    assert set(alternatives) == {f.name for f in dataclasses.fields(dt.DenoiserSpec)}
    keys = {name: dataclasses.replace(spec, **{name: value}).key(data) for name, value in alternatives.items()}
    assert key not in keys.values()
    assert len(set(keys.values())) == len(keys)


def test_cnn_run(tmp_path):
    data = np.random.default_rng(1).standard_normal((100, 1, 4, 4))
    spec = _spec(arch="cnn", base=4, levels=1, steps=3, records=(1, 3), samples=16)
    rec = dt.train_and_record(spec, data, cache=tmp_path)
    assert rec.variances.shape == (2, 16) and rec.snapshots.shape == (2, 4, 1, 4, 4)
    assert np.all(np.isfinite(rec.variances)) and np.all(rec.variances > 0)


def test_build_network():
    from reproduce.spectral_bias.denoisers.cnn_unet import ConvUNet
    from reproduce.spectral_bias.denoisers.mlp_unet import MLPUNet

    net = dt.build_network(_spec(), (2, 3))
    assert isinstance(net, Preconditioned) and isinstance(net.net, MLPUNet) and net.net.dim == 6
    cnn = dt.build_network(_spec(arch="cnn", base=4, levels=1), (1, 4, 4))
    assert isinstance(cnn.net, ConvUNet)
    again = dt.build_network(_spec(arch="cnn", base=4, levels=1), (1, 4, 4))
    assert all(torch.equal(a, b) for a, b in zip(cnn.state_dict().values(), again.state_dict().values()))
    for shape in ((1, 4, 5), (16,), (4, 4)):
        with pytest.raises(ValueError, match="the CNN needs square images"):
            dt.build_network(_spec(arch="cnn", base=4, levels=1), shape)


def test_train_and_record_data_errors(tmp_path):
    bad = _data()
    bad[3, 1] = np.nan
    for data in (bad, np.ones(10), np.ones((1, 4))):
        with pytest.raises(ValueError, match="data must be a finite array"):
            dt.train_and_record(_spec(), data, cache=tmp_path)


# ---------------------------------------------------------------- spec validation


@pytest.mark.parametrize(
    "kw, match",
    [
        (dict(arch="transformer"), "arch must be one of"),
        (dict(records=(1, 3, 3, 12)), "records must be at least 2 increasing steps within 1..12"),
        (dict(records=(3, 1)), "records must be at least 2 increasing steps"),
        (dict(records=(0, 4)), "records must be at least 2 increasing steps"),
        (dict(records=(1, 13)), r"records must be at least 2 increasing steps within 1\.\.12"),
        (dict(records=(12,)), "records must be at least 2 increasing steps"),
        (dict(snapshot=65), "snapshot cannot exceed samples"),
        (dict(lr=0.0), "lr must be positive"),
        (dict(lr=-1e-3), "lr must be positive"),
        (dict(width=0), "width must be a positive integer"),
        (dict(heun_steps=2.5), "heun_steps must be a positive integer"),
        (dict(batch=-1), "batch must be a positive integer"),
    ],
)
def test_spec_validation(kw, match):
    with pytest.raises(ValueError, match=match):
        _spec(**kw)


# ---------------------------------------------------------------- devices and paths


def test_cpu_threads_reads_the_environment(monkeypatch):
    from reproduce.torch_runtime import cpu_threads

    monkeypatch.delenv("REPRODUCE_THREADS", raising=False)
    assert cpu_threads() == 1
    monkeypatch.setenv("REPRODUCE_THREADS", "2")
    assert cpu_threads() == 2
    for bad in ("0", "two", "-1"):
        monkeypatch.setenv("REPRODUCE_THREADS", bad)
        with pytest.raises(ValueError, match="REPRODUCE_THREADS must be a positive integer"):
            cpu_threads()
