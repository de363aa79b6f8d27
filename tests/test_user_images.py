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
        smooth = sum(kernel[a, b] * z[a:a + 8, b:b + 8] for a in range(3) for b in range(3))
        img = np.clip(127.5 + 200 * smooth, 0, 255).astype(np.uint8)
        Image.fromarray(img).save(root / "a" / f"{i:03d}.png")
    return root


def test_user_folder_end_to_end(folder, tmp_path, monkeypatch):
    monkeypatch.setenv("SPECTRAL_CHECKPOINT_DIR", str(tmp_path / "ck"))
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
