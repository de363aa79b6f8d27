"""The cluster path (:mod:`reproduce.cluster`) without a cluster: submitit's mocked SLURM, its debug
executor (jobs in this process) and its local executor (jobs as processes of this machine)."""

import json
import re
import sys
import time

import pytest

from reproduce import cluster
from reproduce.all import main
from reproduce.paths import cached_result_path, result_path
from reproduce.presets import PRESETS
from reproduce.registry import select

submitit = pytest.importorskip("submitit")  # the [cluster] extra; CI installs it

FAST = ["myopia.reff_bridge", "myopia.trained_lemma3_1"]  # one analytic claim, one that trains a model


def test_settings_map_to_submitit_parameters():
    assert cluster.parse_settings(
        ["partition=gpu", "time=600", "account=lab", "array_parallelism=4", "gpus_per_node=2"]
    ) == {
        "slurm_partition": "gpu",
        "timeout_min": 600,
        "slurm_account": "lab",
        "slurm_array_parallelism": 4,
        "gpus_per_node": 2,
    }
    for bad, message in (
        ("partition", "KEY=VALUE"),
        ("walltime=5", "unknown --slurm key 'walltime'"),
        ("time=1h", "positive integer"),
        ("time=0", "positive integer"),
        ("=3", "KEY=VALUE"),
    ):
        with pytest.raises(ValueError, match=message):
            cluster.parse_settings([bad])


def test_the_sbatch_scripts_of_a_slurm_submission(tmp_path, capsys):
    from submitit.slurm.test_slurm import mocked_slurm

    with mocked_slurm() as mock:
        trainings, evaluation, folder = cluster.submit_jobs(
            select(FAST + ["myopia.trained_table2_chain"]),
            PRESETS["default"],
            "slurm",
            cluster.parse_settings(["partition=gpu", "time=90", "array_parallelism=2", "account=lab"]),
            root=tmp_path,
            force=True,
            device="auto",
        )
        array_id = trainings[0].job_id.split("_")[0]
        assert len(trainings) == 9  # 3 replicates of one lemma model, 3 x (standard, weighted) chain models
        script = (folder / f"{array_id}_submission.sh").read_text()
        assert f"#SBATCH --array=0-{len(trainings) - 1}%2" in script
        for line in (
            "--partition=gpu",
            "--time=90",
            "--gpus-per-node=1",
            "--account=lab",
            "--job-name=reproduce-default-train",
        ):
            assert f"#SBATCH {line}\n" in script, line
        after = (folder / f"{evaluation.job_id}_submission.sh").read_text()
        assert f"#SBATCH --dependency=afterany:{array_id}\n" in after
        assert "--array" not in after
        # --status: every job still queued, then one training failed
        for job in trainings + [evaluation]:
            mock.set_job_state(job.job_id, "PENDING")
        assert cluster.status(tmp_path, "default") == 4
        assert "10 pending (of 10 job(s))" in capsys.readouterr().out
        # a terminal state without a result counts as failed
        mock.set_job_state(trainings[0].job_id, "TIMEOUT")
        assert cluster.status(tmp_path, "default") == 1
        assert re.search(rf"{trainings[0].job_id}: failed: graph .*: SLURM state TIMEOUT", capsys.readouterr().out)
    state = json.loads(cluster.submission_path(tmp_path, "default").read_text())
    assert state["evaluation"]["claims"] == sorted(FAST + ["myopia.trained_table2_chain"])
    assert state["device"] == "auto"


def test_a_cpu_submission_asks_for_no_gpu(tmp_path):
    from submitit.slurm.test_slurm import mocked_slurm

    with mocked_slurm():
        trainings, _, folder = cluster.submit_jobs(
            select(FAST), PRESETS["default"], "slurm", {}, root=tmp_path, force=True, device="cpu"
        )
        script = (folder / f"{trainings[0].job_id.split('_')[0]}_submission.sh").read_text()
    assert "--gpus-per-node" not in script and "#SBATCH --time=240\n" in script


def test_debug_executor_runs_the_jobs_in_this_process(tmp_path, monkeypatch):
    import os

    monkeypatch.delenv("REPRODUCE_DEVICE", raising=False)
    trainings, evaluation, _ = cluster.submit_jobs(
        select(FAST), PRESETS["quick"], "debug", {"timeout_min": 10}, root=tmp_path, force=True, record=True
    )
    assert [j.result() for j in trainings] and all(isinstance(j.result(), float) for j in trainings)
    assert evaluation.result() == {"myopia.reff_bridge": "reproduced", "myopia.trained_lemma3_1": "differs"}
    for claim_id in FAST:
        assert json.loads(result_path(tmp_path, "quick", claim_id).read_text())["claim_id"] == claim_id
    assert "REPRODUCE_DEVICE" not in os.environ, "the jobs' device must not leak into the submitting process"


def test_local_executor_jobs_bring_the_results_back(tmp_path, capsys):
    # (--record needs a clean git tree; the debug test above records through the same job function)
    status = main(
        [
            "--preset",
            "quick",
            "--only",
            *FAST,
            "--executor",
            "submitit-local",
            "--slurm",
            "time=10",
            "--root",
            str(tmp_path),
        ]
    )
    assert status == 0
    out = capsys.readouterr().out
    assert re.search(r"submitted 1 training task\(s\) as job array \d+ and the claim evaluations as job \d+", out)
    deadline = time.monotonic() + 240
    while cluster.status(tmp_path, "quick") == 4 and time.monotonic() < deadline:
        time.sleep(2)
    assert cluster.status(tmp_path, "quick") == 0, capsys.readouterr().out
    for claim_id in FAST:
        assert json.loads(cached_result_path(tmp_path, "quick", claim_id).read_text())["claim_id"] == claim_id


def test_status_without_a_submission(tmp_path, capsys):
    assert main(["--status", "--root", str(tmp_path)]) == 2
    assert "no cluster submission of preset default" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--jobs", "0"], "--jobs must be at least 1"),
        (["--gpus", "x"], "--gpus takes distinct comma-separated"),
        (["--gpus", "0", "--device", "cpu"], "cannot go with --device cpu"),
        (["--slurm", "partition=gpu"], "apply to --executor slurm"),
        (["--executor", "slurm", "--slurm", "walltime=5"], "unknown --slurm key 'walltime'"),
        (["--executor", "submitit-local", "--jobs", "2"], "--jobs and --gpus apply to --executor local"),
        (["--record", "--device", "auto"], "the default record is made on the cpu"),
    ],
)
def test_bad_cluster_arguments_stop_before_any_work(argv, message, capsys):
    from toy_claims import make_claim

    calls = {}
    with pytest.raises(SystemExit) as stop:
        main(argv, claims=[make_claim(calls=calls)])
    assert stop.value.code == 2
    assert message in capsys.readouterr().err
    assert calls["measure"] == 0


def test_slurm_without_submitit_is_a_clear_error(monkeypatch, capsys):
    from toy_claims import make_claim

    monkeypatch.setitem(sys.modules, "submitit", None)  # import submitit now raises ImportError
    with pytest.raises(SystemExit) as stop:
        main(["--executor", "slurm"], claims=[make_claim()])
    assert stop.value.code == 2
    assert "pip install -c constraints.txt '.[cluster]'" in capsys.readouterr().err


def test_a_bad_device_variable_is_a_clear_error(monkeypatch, capsys):
    from toy_claims import make_claim

    monkeypatch.setenv("REPRODUCE_DEVICE", "tpu")
    with pytest.raises(SystemExit) as stop:
        main([], claims=[make_claim()])
    assert stop.value.code == 2
    assert "$REPRODUCE_DEVICE must be one of cpu, cuda, auto, got 'tpu'" in capsys.readouterr().err


def test_missing_gpu_is_a_clear_error(capsys):
    import torch

    if torch.cuda.device_count() > 7:
        pytest.skip("this machine has a device 7")
    with pytest.raises(SystemExit) as stop:
        main(["--gpus", "7"], claims=[])
    assert stop.value.code == 2
    assert "--gpus names device(s) 7" in capsys.readouterr().err
