"""The user-data entry point: a tiny generated image folder goes through training, analysis and figure."""

import json

import numpy as np
import pytest
from PIL import Image

from reproduce.spectral_bias import user_images


@pytest.fixture
def folder(tmp_path):
    """40 smooth random 8x8 gray images (low-pass noise, so the spectrum decays)."""
    rng = np.random.default_rng(0)
    root = tmp_path / "imgs"
    (root / "a").mkdir(parents=True)
    kernel = np.outer([1, 2, 1], [1, 2, 1]) / 16.0
    for i in range(40):
        z = rng.standard_normal((10, 10))
        smooth = sum(kernel[a, b] * z[a : a + 8, b : b + 8] for a in range(3) for b in range(3))
        img = np.clip(127.5 + 200 * smooth, 0, 255).astype(np.uint8)
        Image.fromarray(img).save(root / "a" / f"{i:03d}.png")
    return root


def test_user_folder_end_to_end(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("REPRODUCE_CHECKPOINT_DIR", str(tmp_path / "ck"))
    rc = user_images.main(["--path", str(folder), "--name", "toy", "--preset", "quick", "--root", str(tmp_path)])
    assert rc == 0
    result = json.loads((tmp_path / "results" / "user" / "toy.json").read_text())
    assert result["images"] == [40, 1, 8, 8]
    assert result["arch"] == "mlp"
    assert set(result["fit"]) >= {"rising", "falling", "no_crossing", "excluded", "degenerate"}
    assert (tmp_path / "figures" / "user" / "toy.png").stat().st_size > 0


def test_user_folder_errors(tmp_path, capsys):
    assert user_images.main(["--path", str(tmp_path / "missing"), "--preset", "quick", "--root", str(tmp_path)]) == 2
    assert "error:" in capsys.readouterr().err
    with pytest.raises(ValueError, match="arch"):
        user_images.user_experiment("quick", "transformer", str(tmp_path), 10, 0, False)


@pytest.mark.parametrize("name", ["../../x", "a/b", "..", "", ".hidden", "a\\b"])
def test_names_that_would_leave_the_root_are_refused(tmp_path, capsys, name):
    with pytest.raises(SystemExit) as stop:
        user_images.main(["--path", str(tmp_path), "--name", name, "--root", str(tmp_path)])
    assert stop.value.code == 2 and "not a plain name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_root_that_is_a_file_is_refused_before_any_work(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert user_images.main(["--path", str(tmp_path / "missing"), "--root", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_the_default_name_comes_from_the_path_and_the_network():
    assert user_images.default_name("/data/mnist_train.npz", "mlp") == "mnist_train-mlp"
    assert user_images.default_name("/data/ffhq32/", "cnn") == "ffhq32-cnn"
    assert user_images.default_name("/data/my photos", "mlp") == "my_photos-mlp"
    name = user_images.default_name("/data/../.hidden", "mlp")
    assert user_images.output_name(name) == name  # always a valid --name


def _analysis(tau_star, fitted):
    tau = np.asarray(tau_star, float)
    return {
        "tau_star": tau,
        "degenerate": np.zeros(tau.size, bool),
        "fit": {"rising": {"n": fitted} if fitted else None, "falling": None},
    }


def test_a_warning_when_too_few_modes_cross():
    few = _analysis([1.0] * 15 + [np.nan] * 49, fitted=15)
    assert "only 15 of 64 modes crossed" in user_images.crossing_warning(few)
    assert user_images.crossing_warning(_analysis([1.0] * 40 + [np.nan] * 24, fitted=40)) is None
    none_fitted = _analysis([1.0] * 40 + [np.nan] * 24, fitted=2)
    assert "no branch has 3 or more fitted modes" in user_images.crossing_warning(none_fitted)


def test_help_shows_the_defaults(capsys):
    with pytest.raises(SystemExit):
        user_images.main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    for text in ("(default: mlp)", "(default: default)", "(default: 10000)", "(default: 0)", "e.g. mnist_train-mlp"):
        assert text in out
