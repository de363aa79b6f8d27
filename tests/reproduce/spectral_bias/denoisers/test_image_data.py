"""Tests of ``reproduce.spectral_bias.denoisers.image_data``: bundled stand-ins, user folders/arrays, dispatch."""

from pathlib import Path

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view
from PIL import Image

from reproduce.spectral_bias.denoisers import image_data as data
from reproduce.spectral_bias.denoisers.image_data import (
    DATASETS,
    digits,
    flatten,
    image_dataset,
    load_images,
    natural_patches,
    photograph,
)

SCALING_ATOL = 1e-15  # values in [-1, 1] from the same v / 127.5 - 1 or 2 v - 1 arithmetic: a few ulps (1.1e-16)
LUMA_ATOL = 1e-12  # BT.601 luma on the [-1, 1] scale against luma of 0..255 values then scaled: round-off only
FLOAT32_ATOL = 1e-6  # Pillow resizes float32 channels: float32 rounding of values in [-1, 1] (6e-8 each)
JPEG_ATOL = 3 / 127.5  # JPEG is lossy: a flat grey may come back up to 3 of the 255 levels off
SPECTRAL_FALLOFF = 10  # natural-image power falls steeply (measured 3,500x from k = 1 to the corner); white noise: 1


def luma(rgb):
    """BT.601 luma, written out channel by channel."""
    rgb = np.asarray(rgb, dtype=float)
    return 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]


# ------------------------------------------------------------------ digits


def test_digits_shape_and_exact_range():
    x = digits()
    assert x.shape == (1797, 1, 8, 8) and x.dtype == np.float64
    assert x.min() == -1.0 and x.max() == 1.0


def test_digits_match_sklearn_independently():
    from sklearn.datasets import load_digits

    raw = load_digits().images
    x = digits()
    assert x[0].mean() == pytest.approx((raw[0] / 8 - 1).mean(), abs=SCALING_ATOL)
    np.testing.assert_array_equal(x[:, 0], raw / 8.0 - 1.0)


def test_digits_returns_independent_copies():
    x = digits()
    x[0, 0, 0, 0] = 123.0
    assert digits()[0, 0, 0, 0] != 123.0


# ------------------------------------------------------------------ photograph


def test_photograph_is_gray_in_range_and_matches_luma_of_the_file():
    from matplotlib.cbook import get_sample_data

    image = photograph()
    with Image.open(get_sample_data("grace_hopper.jpg", asfileobj=False)) as f:
        rgb = np.asarray(f.convert("RGB"))
    assert image.ndim == 2 and image.shape == rgb.shape[:2]
    assert image.min() >= -1.0 and image.max() <= 1.0
    i, j = 300, 250
    assert image[i, j] == pytest.approx(luma(rgb[i, j]) / 127.5 - 1.0, abs=LUMA_ATOL)
    np.testing.assert_allclose(image, luma(rgb) / 127.5 - 1.0, atol=LUMA_ATOL)


# ------------------------------------------------------------------ natural patches


def _positions(patch, image):
    """Every top-left corner where ``patch`` equals a crop of ``image`` (brute force)."""
    s = patch.shape[-1]
    windows = sliding_window_view(image, (s, s))
    return np.argwhere(np.all(windows == patch, axis=(-2, -1)))


def test_patches_shape_and_determinism():
    a = natural_patches(8, 7, np.random.default_rng(3))
    b = natural_patches(8, 7, np.random.default_rng(3))
    c = natural_patches(8, 7, np.random.default_rng(4))
    assert a.shape == (7, 1, 8, 8) and a.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_patches_are_crops_of_the_photograph():
    image = photograph()
    patches = natural_patches(6, 3, np.random.default_rng(5))
    for patch in patches[:, 0]:
        assert len(_positions(patch, image)) >= 1


def test_patches_with_stride_start_on_the_grid():
    image = photograph()
    patches = natural_patches(8, 3, np.random.default_rng(6), stride=8)
    for patch in patches[:, 0]:
        found = _positions(patch, image)
        assert any(i % 8 == 0 and j % 8 == 0 for i, j in found)


def test_patches_as_large_as_the_photograph_allows():
    image = photograph()
    side = min(image.shape)
    patches = natural_patches(side, 2, np.random.default_rng(7))
    assert patches.shape == (2, 1, side, side)
    for patch in patches[:, 0]:
        assert len(_positions(patch, image)) >= 1


def test_patches_have_a_natural_image_spectrum():
    patches = natural_patches(16, 2000, np.random.default_rng(8))[:, 0]
    power = np.mean(np.abs(np.fft.fft2(patches)) ** 2, axis=0)
    k = np.fft.fftfreq(16) * 16
    radius = np.rint(np.hypot(*np.meshgrid(k, k, indexing="ij"))).astype(int).ravel()
    radial = np.bincount(radius, power.ravel()) / np.bincount(radius)
    assert radial[1] > SPECTRAL_FALLOFF * radial[-1]
    assert np.all(np.diff(radial[1:]) < 0)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        (dict(size=1, count=3), ValueError, "size must be at least 2"),
        (dict(size=10_000, count=3), ValueError, "at most min"),
        (dict(size=4, count=0), ValueError, "count must be at least 1"),
        (dict(size=4.0, count=3), TypeError, "size must be an integer"),
        (dict(size=4, count=3, stride=0), ValueError, "stride must be at least 1"),
    ],
)
def test_patches_reject_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        natural_patches(rng=np.random.default_rng(0), **kwargs)


def test_patches_reject_a_seed_instead_of_a_generator():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        natural_patches(4, 3, 0)


# ------------------------------------------------------------------ load_images: folders


VALUES = [(10, 20, 30), (0, 0, 0), (255, 255, 255), (200, 100, 50), (7, 77, 177)]
NAMES = ["b/2.png", "a/x/1.png", "a/0.png", "c.png", "b/1.PNG"]  # sorted: a/0, a/x/1, b/1, b/2, c


def _write_folder(root: Path, shape=(6, 6)):
    for name, value in zip(NAMES, VALUES):
        file = root / name
        file.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.full(shape + (3,), value, dtype=np.uint8), mode="RGB").save(file)
    (root / "notes.txt").write_text("not an image")
    return [np.array(VALUES[NAMES.index(n)], float) for n in sorted(NAMES, key=lambda n: Path(n).parts)]


def test_folder_loads_sorted_rgb(tmp_path):
    expected = _write_folder(tmp_path)
    images = load_images(tmp_path)
    assert images.shape == (5, 3, 6, 6) and images.dtype == np.float64
    for image, value in zip(images, expected):
        np.testing.assert_allclose(
            image, np.broadcast_to((value / 127.5 - 1)[:, None, None], (3, 6, 6)), atol=SCALING_ATOL
        )


def test_folder_grayscale_uses_luma(tmp_path):
    expected = _write_folder(tmp_path)
    images = load_images(tmp_path, grayscale=True)
    assert images.shape == (5, 1, 6, 6)
    np.testing.assert_allclose(images[:, 0, 0, 0], [luma(v) / 127.5 - 1 for v in expected], atol=LUMA_ATOL)


def test_folder_resize_and_limit(tmp_path):
    expected = _write_folder(tmp_path)
    images = load_images(tmp_path, size=3)
    assert images.shape == (5, 3, 3, 3)
    # Bilinear resizing of a constant image keeps the constant (up to float32 rounding).
    np.testing.assert_allclose(images[:, :, 1, 1], [v / 127.5 - 1 for v in expected], atol=FLOAT32_ATOL)
    limited = load_images(tmp_path, limit=2)
    np.testing.assert_array_equal(limited, load_images(tmp_path)[:2])


def test_folder_of_mixed_sizes_needs_size(tmp_path):
    Image.fromarray(np.zeros((6, 6), np.uint8)).save(tmp_path / "a.png")
    Image.fromarray(np.zeros((4, 5), np.uint8)).save(tmp_path / "b.png")
    with pytest.raises(ValueError, match=r"differ in shape: .*a\.png is \(6, 6\) and .*b\.png is \(4, 5\)"):
        load_images(tmp_path)
    assert load_images(tmp_path, size=4).shape == (2, 1, 4, 4)


def test_folder_drops_alpha_and_promotes_gray_when_mixed(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., :3], rgba[..., 3] = (255, 0, 0), 17
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "a.png")
    Image.fromarray(np.full((4, 4), 51, np.uint8), mode="L").save(tmp_path / "b.png")
    images = load_images(tmp_path)
    assert images.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(images[0, :, 0, 0], np.array([255, 0, 0]) / 127.5 - 1)
    np.testing.assert_allclose(images[1, :, 0, 0], np.full(3, 51 / 127.5 - 1))


def test_folder_reads_jpeg_suffixes(tmp_path):
    for name in ("a.jpg", "b.JPEG"):
        Image.fromarray(np.full((4, 4, 3), 128, np.uint8)).save(tmp_path / name, format="JPEG")
    images = load_images(tmp_path)
    assert images.shape == (2, 3, 4, 4)
    np.testing.assert_allclose(images, 128 / 127.5 - 1, atol=JPEG_ATOL)


def test_folder_errors(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        load_images(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="holds no image files"):
        load_images(tmp_path / "empty")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "x.png").write_bytes(b"not a png")
    with pytest.raises(ValueError, match="could not be read as an image"):
        load_images(tmp_path / "broken")
    (tmp_path / "deep").mkdir()
    Image.fromarray(np.zeros((4, 4), np.uint16)).save(tmp_path / "deep" / "x.png")
    with pytest.raises(ValueError, match="only 8-bit images are supported"):
        load_images(tmp_path / "deep")
    (tmp_path / "data.txt").write_text("1 2 3")
    with pytest.raises(ValueError, match="unsupported suffix '.txt'"):
        load_images(tmp_path / "data.txt")
    with pytest.raises(TypeError, match="limit must be an integer"):
        load_images(tmp_path, limit=1.5)
    with pytest.raises(ValueError, match="size must be at least 1"):
        load_images(tmp_path, size=0)


# ------------------------------------------------------------------ load_images: arrays


def test_npy_uint8_gray_stack(tmp_path):
    rng = np.random.default_rng(0)
    stack = rng.integers(0, 256, size=(4, 5, 7), dtype=np.uint8)
    np.save(tmp_path / "x.npy", stack)
    images = load_images(tmp_path / "x.npy")
    assert images.shape == (4, 1, 5, 7)
    np.testing.assert_allclose(images[:, 0], stack / 127.5 - 1, atol=SCALING_ATOL)
    assert load_images(tmp_path / "x.npy", limit=3).shape == (3, 1, 5, 7)


def test_npy_float_rgb_stack(tmp_path):
    rng = np.random.default_rng(1)
    stack = rng.uniform(0.0, 1.0, size=(3, 4, 4, 3))
    np.save(tmp_path / "x.npy", stack)
    images = load_images(tmp_path / "x.npy")
    assert images.shape == (3, 3, 4, 4)
    np.testing.assert_allclose(images, np.moveaxis(2 * stack - 1, -1, 1), atol=SCALING_ATOL)
    gray = load_images(tmp_path / "x.npy", grayscale=True)
    np.testing.assert_allclose(gray[:, 0], 2 * luma(stack) - 1, atol=LUMA_ATOL)


def test_npz_prefers_images_else_the_only_array(tmp_path):
    stack = np.full((2, 3, 3), 255, np.uint8)
    np.savez(tmp_path / "named.npz", labels=np.arange(2), images=stack)
    np.testing.assert_array_equal(load_images(tmp_path / "named.npz"), np.ones((2, 1, 3, 3)))
    np.savez(tmp_path / "single.npz", x=stack)
    assert load_images(tmp_path / "single.npz").shape == (2, 1, 3, 3)
    np.savez(tmp_path / "ambiguous.npz", a=stack, b=stack)
    with pytest.raises(ValueError, match="holds 2 arrays"):
        load_images(tmp_path / "ambiguous.npz")


@pytest.mark.parametrize(
    "array, match",
    [
        (np.full((2, 3, 3), 1.5), r"must lie in \[0, 1\]"),
        (np.full((2, 3, 3), -0.1), r"must lie in \[0, 1\]"),
        (np.full((2, 3, 3), np.nan), "NaN or infinite"),
        (np.zeros((3, 3), np.uint8), r"expected \(N, H, W\)"),
        (np.zeros((2, 3, 3, 3, 1), np.uint8), r"expected \(N, H, W\)"),
        (np.zeros((2, 3, 3, 2), np.uint8), "2 channels"),
        (np.zeros((2, 3, 3), np.int64), "only uint8"),
        (np.zeros((0, 3, 3), np.uint8), "holds no images"),
    ],
)
def test_npy_errors(tmp_path, array, match):
    np.save(tmp_path / "x.npy", array)
    with pytest.raises(ValueError, match=match):
        load_images(tmp_path / "x.npy")


# ------------------------------------------------------------------ flatten and dispatch


def test_flatten_is_row_major():
    x = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    flat = flatten(x)
    assert flat.shape == (2, 60)
    assert flat[1, 3 * 20 - 1] == x[1, 2, 3, 4]
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        flatten(np.zeros((2, 3)))


def test_dataset_names():
    assert DATASETS == ("digits", "patches", "folder")


def test_dispatch_digits():
    np.testing.assert_array_equal(image_dataset("digits", np.random.default_rng(0)), digits())
    sub = image_dataset("digits", np.random.default_rng(0), count=20)
    again = image_dataset("digits", np.random.default_rng(0), count=20)
    assert sub.shape == (20, 1, 8, 8)
    np.testing.assert_array_equal(sub, again)
    rows = {r.tobytes() for r in digits()}
    assert all(r.tobytes() in rows for r in sub)
    with pytest.raises(ValueError, match="at most the 1797 digits"):
        image_dataset("digits", np.random.default_rng(0), count=1798)


def test_dispatch_patches():
    x = image_dataset("patches", np.random.default_rng(2), count=9, patch_size=5)
    np.testing.assert_array_equal(x, natural_patches(5, 9, np.random.default_rng(2)))
    assert image_dataset("patches", np.random.default_rng(2)).shape == (10_000, 1, 8, 8)


def test_dispatch_folder(tmp_path):
    _write_folder(tmp_path)
    x = image_dataset("folder", np.random.default_rng(0), path=tmp_path, count=2, size=3, grayscale=True)
    np.testing.assert_array_equal(x, load_images(tmp_path, size=3, grayscale=True, limit=2))


def test_dispatch_errors(tmp_path):
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="unknown data set 'mnist'; choose one of 'digits', 'patches', 'folder'"):
        image_dataset("mnist", rng)
    with pytest.raises(ValueError, match="needs path="):
        image_dataset("folder", rng)
    with pytest.raises(ValueError, match="path= applies only to the 'folder'"):
        image_dataset("digits", rng, path=tmp_path)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        image_dataset("digits", 0)


def test_module_exports():
    assert sorted(data.__all__) == sorted(
        ["DATASETS", "digits", "flatten", "image_dataset", "load_images", "natural_patches", "photograph"]
    )
