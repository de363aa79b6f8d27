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
