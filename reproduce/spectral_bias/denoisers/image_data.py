"""Image data sets for the trained denoisers, from files already on disk.

Wang & Pehlevan train EDM denoisers on MNIST, CIFAR-10 and FFHQ (32x32) with pixel values scaled
to ``[-1, 1]``.  No machine that runs this package may download anything, so the small CPU
experiments use stand-ins shipped inside installed packages, on the same ``[-1, 1]`` scale:

* **MNIST -> scikit-learn digits.**  :func:`digits` gives the 1,797 handwritten 8x8 digits of
  ``sklearn.datasets.load_digits`` (the UCI optical-recognition set): centred handwritten strokes on
  a blank background, like MNIST at a quarter of the resolution.
* **FFHQ -> patches of a photograph.**  :func:`natural_patches` crops random grayscale patches out
  of matplotlib's bundled Grace Hopper portrait (:func:`photograph`).  Photographs have power
  spectra falling roughly like ``1/f^2`` -- the property that makes the paper's learned modes
  emerge at spread-out times -- and a face photograph is the closest bundled image to FFHQ.
* **The real data sets**, exported to disk by the user (a folder of PNG/JPEG files or a
  ``.npy``/``.npz`` array), load through :func:`load_images`.

:func:`image_dataset` dispatches by name (:data:`DATASETS`) and :func:`flatten` turns images into
the vectors an MLP denoiser sees.  Every image array is ``float64`` of shape ``(N, C, H, W)``
(channels first, as in torch) with values in ``[-1, 1]``.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "DATASETS",
    "digits",
    "flatten",
    "image_dataset",
    "load_images",
    "natural_patches",
    "photograph",
]

DATASETS: tuple[str, ...] = ("digits", "patches", "folder")
"""Names accepted by :func:`image_dataset`."""

DIGITS_COUNT = 1797
"""Number of images in scikit-learn's digits data set."""

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
"""Image files :func:`load_images` reads from a folder (matched case-insensitively)."""

ARRAY_SUFFIXES = (".npy", ".npz")
"""Array files :func:`load_images` reads."""

_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma weights; they sum to 1.


def _check_int(name: str, value, minimum: int) -> int:
    """``value`` as an ``int`` at least ``minimum``, or a ``TypeError``/``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}.")
    return int(value)


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (numpy.random.default_rng(seed)), got {type(rng).__name__}."
        )
    return rng


def _luma(rgb: np.ndarray, axis: int) -> np.ndarray:
    """BT.601 luma of ``[-1, 1]`` RGB values along ``axis`` (the weights sum to 1, so luma commutes
    with the affine map to ``[-1, 1]``); clipped against a last-bit rounding overshoot."""
    return np.clip(np.tensordot(np.moveaxis(rgb, axis, -1), _LUMA, axes=1), -1.0, 1.0)


def _uint8_to_unit(values: np.ndarray) -> np.ndarray:
    return np.asarray(values, dtype=np.float64) / 127.5 - 1.0


# ------------------------------------------------------------------ bundled stand-ins


@functools.lru_cache(maxsize=1)
def _digits_cached() -> np.ndarray:
    from sklearn.datasets import load_digits  # sklearn takes ~1 s to import; only pay when used

    images = load_digits().images / 8.0 - 1.0
    images = np.ascontiguousarray(images[:, None, :, :], dtype=np.float64)
    images.setflags(write=False)
    return images


def digits() -> np.ndarray:
    """scikit-learn's handwritten digits on the paper's ``[-1, 1]`` scale (an MNIST stand-in).

    The 1,797 8x8 images of ``sklearn.datasets.load_digits`` have integer pixel values ``0..16``;
    each value ``x`` is mapped linearly to ``x / 8 - 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(1797, 1, 8, 8)``, ``float64``, values in ``[-1, 1]``; a fresh writable copy
        (the file is read once per process and cached).

    See Also
    --------
    image_dataset : ``"digits"`` with an optional random subsample.

    Notes
    -----
    The data ship inside scikit-learn, so nothing is downloaded.  They stand in for MNIST
    (28x28, values ``0..255``) in the paper's experiments.

    Examples
    --------
    >>> x = digits()
    >>> x.shape, x.dtype
    ((1797, 1, 8, 8), dtype('float64'))
    >>> float(x.min()), float(x.max())
    (-1.0, 1.0)
    """
    return _digits_cached().copy()


@functools.lru_cache(maxsize=1)
def _photograph_cached() -> np.ndarray:
    from matplotlib.cbook import get_sample_data
    from PIL import Image

    with Image.open(get_sample_data("grace_hopper.jpg", asfileobj=False)) as image:
        rgb = np.asarray(image.convert("RGB"))
    gray = _luma(_uint8_to_unit(rgb), axis=-1)
    gray.setflags(write=False)
    return gray


def photograph() -> np.ndarray:
    """matplotlib's bundled Grace Hopper photograph as grayscale on the ``[-1, 1]`` scale.

    The RGB values ``R, G, B`` in ``0..255`` become the ITU-R BT.601 luma
    ``Y = 0.299 R + 0.587 G + 0.114 B`` and then ``Y / 127.5 - 1``.

    Returns
    -------
    numpy.ndarray
        Shape ``(H, W) = (600, 512)``, ``float64``, values in ``[-1, 1]``; a fresh writable copy
        (the JPEG is decoded once per process and cached).

    See Also
    --------
    natural_patches : random crops of this image.

    Notes
    -----
    The file ``mpl-data/sample_data/grace_hopper.jpg`` ships with matplotlib and is decoded by
    Pillow, so nothing is downloaded.

    Examples
    --------
    >>> image = photograph()
    >>> image.shape
    (600, 512)
    >>> bool(image.min() >= -1.0 and image.max() <= 1.0)
    True
    """
    return _photograph_cached().copy()


def natural_patches(size: int, count: int, rng: np.random.Generator, *, stride: int | None = None) -> np.ndarray:
    """Random grayscale ``size x size`` patches of :func:`photograph` (an FFHQ stand-in).

    Each patch's top-left corner ``(i, j)`` is drawn independently and uniformly (with
    replacement) over all positions where the patch fits, or, with ``stride``, over the positions
    that are multiples of ``stride`` in both directions.  Rows are drawn first (``count`` draws of
    ``rng.integers``), then columns.

    Parameters
    ----------
    size : int
        Side of the square patches, ``2 <= size <= min(H, W)``.
    count : int
        Number of patches, at least 1.
    rng : numpy.random.Generator
        Source of the positions.
    stride : int or None, optional
        Spacing of the allowed top-left corners; ``None`` (the default) allows every pixel, and
        ``stride=size`` restricts the draws to the non-overlapping tiles.

    Returns
    -------
    numpy.ndarray
        Shape ``(count, 1, size, size)``, ``float64``, values in ``[-1, 1]``.

    Raises
    ------
    TypeError
        If ``size``, ``count`` or ``stride`` is not an integer, or ``rng`` is not a Generator.
    ValueError
        If ``size`` is below 2 or larger than the photograph, ``count`` is below 1 or ``stride``
        is below 1.

    Notes
    -----
    Natural images have power spectra falling roughly like ``1/f^2``; patches keep that
    statistic, so their principal components have spread-out variances as in FFHQ.  The
    photograph has only ``(600 - size + 1) (512 - size + 1)`` distinct patches, so large
    ``count`` repeats (overlapping) patches.

    Examples
    --------
    >>> import numpy as np
    >>> patches = natural_patches(8, 5, np.random.default_rng(0))
    >>> patches.shape
    (5, 1, 8, 8)
    >>> again = natural_patches(8, 5, np.random.default_rng(0))
    >>> bool(np.array_equal(patches, again))
    True
    """
    image = _photograph_cached()
    height, width = image.shape
    size = _check_int("size", size, 2)
    if size > min(height, width):
        raise ValueError(f"size must be at most min(H, W) = {min(height, width)} of the photograph, got {size}.")
    count = _check_int("count", count, 1)
    step = 1 if stride is None else _check_int("stride", stride, 1)
    _check_rng(rng)
    n_rows = (height - size) // step + 1
    n_cols = (width - size) // step + 1
    rows = step * rng.integers(0, n_rows, size=count)
    cols = step * rng.integers(0, n_cols, size=count)
    windows = sliding_window_view(image, (size, size))  # (H - size + 1, W - size + 1, size, size), a view
    return np.ascontiguousarray(windows[rows, cols][:, None, :, :])


# ------------------------------------------------------------------ user-supplied data


def _read_image_file(file: Path) -> np.ndarray:
    """One image file as ``[-1, 1]`` float64 of shape ``(H, W, C)``, ``C`` in {1, 3}."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(file) as image:
            bands = image.getbands()
            if image.mode == "F" or image.mode.startswith("I"):
                raise ValueError(
                    f"{file} has {image.mode!r} pixels (16-bit or float); only 8-bit images are supported."
                )
            if "A" in bands:  # transparency is dropped: (L, A) -> L, (R, G, B, A) -> RGB
                mode = "L" if len(bands) == 2 else "RGB"
            else:
                mode = "L" if bands in (("L",), ("1",)) else "RGB"  # palette, CMYK, YCbCr -> RGB
            pixels = np.asarray(image.convert(mode))
    except (UnidentifiedImageError, OSError) as error:
        raise ValueError(f"{file} could not be read as an image: {error}.") from error
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    return _uint8_to_unit(pixels)


def _to_unit(array: np.ndarray, source: str) -> np.ndarray:
    """uint8 (``/127.5 - 1``) or ``[0, 1]`` float (``2x - 1``) values on the ``[-1, 1]`` scale."""
    if array.dtype == np.uint8:
        return _uint8_to_unit(array)
    if not np.issubdtype(array.dtype, np.floating):
        raise ValueError(
            f"{source} holds {array.dtype} values; only uint8 (0..255) or float (0..1) images are supported."
        )
    if array.size and not np.all(np.isfinite(array)):
        raise ValueError(f"{source} holds NaN or infinite values.")
    if array.size and (array.min() < 0.0 or array.max() > 1.0):
        raise ValueError(
            f"{source} holds float values in [{float(array.min())}, {float(array.max())}]; float images must "
            "lie in [0, 1] (convert 0..255 data to uint8, or divide by 255)."
        )
    return 2.0 * np.asarray(array, dtype=np.float64) - 1.0


def _read_array_file(file: Path) -> np.ndarray:
    """A ``.npy``/``.npz`` image stack as ``[-1, 1]`` float64 of shape ``(N, H, W, C)``."""
    try:
        loaded = np.load(file, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise ValueError(f"{file} could not be read as a numpy array file: {error}.") from error
    if isinstance(loaded, np.lib.npyio.NpzFile):
        with loaded:
            names = list(loaded.files)
            if "images" in names:
                name = "images"
            elif len(names) == 1:
                name = names[0]
            else:
                raise ValueError(
                    f"{file} holds {len(names)} arrays {names}; name the image array 'images' (or save only one array)."
                )
            array = loaded[name]
        source = f"array {name!r} of {file}"
    else:
        array, source = loaded, str(file)
    if array.ndim == 3:
        array = array[..., None]
    elif array.ndim != 4:
        raise ValueError(f"{source} has shape {array.shape}; expected (N, H, W) or channels-last (N, H, W, C).")
    if array.shape[-1] not in (1, 3):
        raise ValueError(f"{source} has {array.shape[-1]} channels (last axis of {array.shape}); expected 1 or 3.")
    return _to_unit(array, source)


def _resize(image: np.ndarray, size: int) -> np.ndarray:
    """``(C, H, W)`` -> ``(C, size, size)`` by Pillow's bilinear filter on float32 channels."""
    from PIL import Image

    channels = []
    for channel in image:
        plane = Image.fromarray(np.ascontiguousarray(channel, dtype=np.float32))  # mode "F"
        channels.append(np.asarray(plane.resize((size, size), Image.Resampling.BILINEAR)))
    # The bilinear weights are non-negative and sum to 1, so only float32 rounding can leave [-1, 1].
    return np.clip(np.stack(channels).astype(np.float64), -1.0, 1.0)


def load_images(
    path: str | os.PathLike,
    *,
    size: int | None = None,
    grayscale: bool = False,
    limit: int | None = None,
) -> np.ndarray:
    """User-supplied images (MNIST, CIFAR-10, FFHQ32 exported to disk) on the ``[-1, 1]`` scale.

    Parameters
    ----------
    path : str or os.PathLike
        Either a directory, whose ``*.png``, ``*.jpg`` and ``*.jpeg`` files (suffix in any case)
        are read recursively in sorted path order (compared component by component, so name
        files with zero-padded numbers); or a ``.npy`` file holding an array of shape
        ``(N, H, W)`` or channels-last ``(N, H, W, C)`` with ``C`` in {1, 3}; or a ``.npz``
        file, whose array named ``images`` is used, else its only array.
    size : int or None, optional
        If given, every image is resized to ``size x size`` with Pillow's bilinear filter
        (``Image.Resampling.BILINEAR``, antialiased when shrinking), one float32 channel at a
        time.  If ``None`` (the default), all images must share one shape.
    grayscale : bool, optional
        Convert RGB to the ITU-R BT.601 luma ``0.299 R + 0.587 G + 0.114 B`` (one channel).
    limit : int or None, optional
        Keep only the first ``limit`` images (files beyond it are not opened).

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C, H, W)``, ``float64``, values in ``[-1, 1]``, ``C`` = 1 or 3.

    Raises
    ------
    TypeError
        If ``size`` or ``limit`` is not an integer.
    ValueError
        If ``path`` does not exist, has an unsupported suffix or holds no images; if an array has
        the wrong rank, channel count or dtype, or float values outside ``[0, 1]``; if a file is
        not a readable 8-bit image; or if images differ in shape and ``size`` is ``None``.

    Notes
    -----
    Values map to ``[-1, 1]`` as in the paper: ``uint8`` by ``v / 127.5 - 1`` and floats (which
    must already lie in ``[0, 1]``) by ``2 x - 1``.  RGBA and gray-alpha images lose their alpha
    channel; palette, CMYK and YCbCr images are converted to RGB.  A folder that mixes
    grayscale and colour images without ``grayscale=True`` has its grayscale images repeated to
    three equal channels.  Luma is taken before resizing; both are linear, so the order only
    changes rounding.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import numpy as np
    >>> folder = Path(tempfile.mkdtemp())
    >>> np.save(folder / "stack.npy", np.full((4, 6, 6, 3), 255, dtype=np.uint8))
    >>> images = load_images(folder / "stack.npy")
    >>> images.shape, float(images.max())
    ((4, 3, 6, 6), 1.0)
    >>> load_images(folder / "stack.npy", size=3, grayscale=True, limit=2).shape
    (2, 1, 3, 3)
    """
    if size is not None:
        size = _check_int("size", size, 1)
    if limit is not None:
        limit = _check_int("limit", limit, 1)
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{path} does not exist; pass a folder of images or a .npy/.npz file.")

    if path.is_dir():
        files = sorted(f for f in path.rglob("*") if f.suffix.lower() in IMAGE_SUFFIXES and f.is_file())
        if not files:
            raise ValueError(f"{path} holds no image files ({', '.join(IMAGE_SUFFIXES)}, searched recursively).")
        files = files[:limit]
        images = [_read_image_file(f) for f in files]  # each (H, W, C)
        names = [str(f) for f in files]
    elif path.suffix.lower() in ARRAY_SUFFIXES:
        stack = _read_array_file(path)[:limit]
        if len(stack) == 0:
            raise ValueError(f"{path} holds no images (its first axis has length 0).")
        images = list(stack)
        names = [f"{path}[{i}]" for i in range(len(stack))]
    else:
        raise ValueError(
            f"{path} has the unsupported suffix {path.suffix!r}; pass a folder of images or a "
            f"{' or '.join(ARRAY_SUFFIXES)} file."
        )

    if len({image.shape[-1] for image in images}) > 1 and not grayscale:
        images = [np.repeat(image, 3, axis=-1) if image.shape[-1] == 1 else image for image in images]
    out = []
    for image in images:
        if grayscale and image.shape[-1] == 3:
            image = _luma(image, axis=-1)[:, :, None]
        image = np.moveaxis(image, -1, 0)  # (C, H, W)
        out.append(image if size is None else _resize(image, size))
    if size is None:
        first = out[0].shape
        for name, image in zip(names, out):
            if image.shape != first:
                raise ValueError(
                    f"images differ in shape: {names[0]} is {first[1:]} and {name} is {image.shape[1:]} "
                    "(as (H, W)); pass size= to resize them to a common square size."
                )
    return np.ascontiguousarray(np.stack(out), dtype=np.float64)


# ------------------------------------------------------------------ reshaping and dispatch


def flatten(images: np.ndarray) -> np.ndarray:
    """Images ``(N, C, H, W)`` as vectors ``(N, C*H*W)``, the input of an MLP denoiser.

    Parameters
    ----------
    images : numpy.ndarray
        Shape ``(N, C, H, W)``.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C*H*W)``, in C (row-major) order; a view when ``images`` is contiguous.

    Raises
    ------
    ValueError
        If ``images`` is not 4-dimensional.

    Examples
    --------
    >>> import numpy as np
    >>> flatten(np.zeros((5, 3, 4, 4))).shape
    (5, 48)
    """
    images = np.asarray(images)
    if images.ndim != 4:
        raise ValueError(f"images must have shape (N, C, H, W), got {images.ndim} dimensions {images.shape}.")
    return images.reshape(images.shape[0], int(np.prod(images.shape[1:])))


def image_dataset(
    name: str,
    rng: np.random.Generator,
    *,
    count: int | None = None,
    patch_size: int = 8,
    path: str | os.PathLike | None = None,
    grayscale: bool = False,
    size: int | None = None,
) -> np.ndarray:
    """A training set by name, shape ``(N, C, H, W)`` with values in ``[-1, 1]``.

    Parameters
    ----------
    name : {"digits", "patches", "folder"}
        ``"digits"``: :func:`digits`, subsampled without replacement to ``count`` images (in the
        drawn order) when ``count < 1797``.  ``"patches"``: ``count`` (default 10,000)
        :func:`natural_patches` of side ``patch_size``.  ``"folder"``: :func:`load_images` of
        ``path`` with ``size``, ``grayscale`` and ``limit=count``.
    rng : numpy.random.Generator
        Draws the subsample or the patch positions (unused by ``"folder"``).
    count : int or None, optional
        Number of images; ``None`` means all digits, 10,000 patches or every file.
    patch_size : int, optional
        Side of the ``"patches"`` images (default 8).
    path : str or os.PathLike or None, optional
        Data of ``"folder"``; required there, refused elsewhere.
    grayscale : bool, optional
        ``"folder"`` only: convert RGB to luma (the other sets are already grayscale).
    size : int or None, optional
        ``"folder"`` only: resize to ``size x size``.

    Returns
    -------
    numpy.ndarray
        Shape ``(N, C, H, W)``, ``float64``, values in ``[-1, 1]``.

    Raises
    ------
    TypeError
        If ``rng`` is not a Generator or ``count`` is not an integer.
    ValueError
        If ``name`` is unknown, ``"folder"`` lacks ``path``, ``path`` or ``size`` is given to
        another set, or ``count`` exceeds the 1,797 digits; and as :func:`natural_patches` and
        :func:`load_images` raise.

    Examples
    --------
    >>> import numpy as np
    >>> image_dataset("digits", np.random.default_rng(0), count=100).shape
    (100, 1, 8, 8)
    >>> image_dataset("patches", np.random.default_rng(0), count=50, patch_size=16).shape
    (50, 1, 16, 16)
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(map(repr, DATASETS))}.")
    _check_rng(rng)
    if count is not None:
        count = _check_int("count", count, 1)
    if name != "folder":
        for option, value in (("path", path), ("size", size)):
            if value is not None:
                raise ValueError(f"{option}= applies only to the 'folder' data set, not to {name!r}.")

    if name == "digits":
        images = digits()
        if count is None or count == DIGITS_COUNT:
            return images
        if count > DIGITS_COUNT:
            raise ValueError(
                f"count must be at most the {DIGITS_COUNT} digits (drawn without replacement), got {count}."
            )
        return images[rng.choice(DIGITS_COUNT, size=count, replace=False)]
    if name == "patches":
        return natural_patches(patch_size, 10_000 if count is None else count, rng)
    if path is None:
        raise ValueError(
            f"the 'folder' data set needs path= (a folder of images or a .npy/.npz file); "
            f"the bundled choices are {', '.join(repr(n) for n in DATASETS if n != 'folder')}."
        )
    return load_images(path, size=size, grayscale=grayscale, limit=count)
