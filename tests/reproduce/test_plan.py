"""Plan, then run (:mod:`reproduce.plan`): the units of work, their deduplication, and the lock that
keeps two processes from training one model."""

import multiprocessing
from pathlib import Path

import pytest

from reproduce.claims import Training
from reproduce.plan import check_gpus, make_plan, parse_gpus
from reproduce.presets import PRESETS
from reproduce.registry import all_claims, select


@pytest.fixture(scope="module")
def default_plan():
    return make_plan(all_claims(), PRESETS["default"], 0, Path("/nonexistent-root"), force=True)


def test_the_plan_lists_each_model_once(default_plan):
    keys = [t.key for t in default_plan.trainings]
    assert len(keys) == len(set(keys))
    assert default_plan.requested > len(keys), "claims share models; the plan must train them once"
    needed = {k for e in default_plan.evaluations for k in e.needs}
    assert needed == set(keys), "every planned training is read by a claim, and every model read is planned"
    assert all(isinstance(t, Training) and t.label for t in default_plan.trainings)


def test_shared_gaussian_replicates_are_one_training(default_plan):
    by_id = {e.claim.id: set(e.needs) for e in default_plan.evaluations}
    assert by_id["spectral.gaussian_mlp"] and by_id["spectral.gaussian_mlp"] <= by_id["spectral.alignment"]
    assert by_id["spectral.gaussian_mlp"] == by_id["spectral.gaussian_mlp_d512"]  # the default stand-in
    assert by_id["spectral.gaussian_mlp"] <= by_id["spectral.image_mlp"]


def test_timing_claims_run_alone_and_analytic_claims_need_nothing(default_plan):
    alone = {e.claim.id for e in default_plan.evaluations if e.alone}
    assert alone == {c.id for c in all_claims() if not c.deterministic}
    assert alone == {"myopia.reff_cost", "myopia.zero_inference_overhead"}
    by_id = {e.claim.id: e for e in default_plan.evaluations}
    assert by_id["myopia.reff_bridge"].needs == () and by_id["spectral.eq7_weights"].needs == ()


def test_replicates_override_reaches_the_plan():
    preset = PRESETS["default"]
    one = make_plan(
        select(["spectral.gaussian_mlp"]),
        preset.__class__(**{**preset.__dict__, "replicates": 1}),
        0,
        Path("/nonexistent-root"),
        force=True,
    )
    three = make_plan(select(["spectral.gaussian_mlp"]), preset, 0, Path("/nonexistent-root"), force=True)
    assert (len(one.trainings), len(three.trainings)) == (1, 3)


def test_another_master_seed_plans_other_models():
    a = make_plan(select(["myopia.trained_lemma3_1"]), PRESETS["quick"], 0, Path("/x"), force=True)
    b = make_plan(select(["myopia.trained_lemma3_1"]), PRESETS["quick"], 1, Path("/x"), force=True)
    assert a.trainings[0].args != b.trainings[0].args


def test_gpu_lists():
    assert parse_gpus(None) == () and parse_gpus("1,0") == ("1", "0")
    for bad in ("", "a", "0,0", "-1", "0;1"):
        with pytest.raises(ValueError, match="--gpus takes distinct comma-separated"):
            parse_gpus(bad)
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="torch sees 0 CUDA device"):
            check_gpus(("0",))


def _train_and_report(spec, cache, queue):
    from reproduce.myopia.graph_diffusion import train

    m = train(spec, cache=Path(cache))
    queue.put(m.train_seconds)


def test_two_processes_asking_for_one_model_train_it_once(tmp_path):
    from reproduce.myopia.graph_diffusion import TrainSpec

    spec = TrainSpec(width=4, depth=1, T=5, train_graphs=100, steps=150, checkpoint_every=50, log_every=50, seed=3)
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    workers = [ctx.Process(target=_train_and_report, args=(spec, str(tmp_path), queue)) for _ in range(2)]
    for w in workers:
        w.start()
    seconds = [queue.get(timeout=120) for _ in workers]
    for w in workers:
        w.join(60)
    # the second process loaded what the first saved: the same recorded training time, to the bit
    assert seconds[0] == seconds[1]
    assert [p.name for p in tmp_path.glob("*.pt")] == [f"{spec.key()}.pt"]
