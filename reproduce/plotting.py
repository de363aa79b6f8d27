"""Saving figures so that each PNG says which result file it was drawn from.

Every figure carries a PNG ``tEXt`` chunk ``Source`` holding the SHA-256 of the result
JSON it was made from.  ``python -m reproduce.checklist --check`` compares that digest with
the result file on disk, so a figure can never silently lag behind its numbers.

The runner writes the final result file after the figure function has run (the result
lists the figures), then calls :func:`stamp_source` on each PNG.  Claim authors therefore
only call ``save_figure(fig, figure_path(result, out_dir))`` and return the paths.

Importing this module selects the non-interactive Agg backend and a readable style.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from .atomic import write_bytes_atomic  # noqa: E402
from .replicates import Z_99  # noqa: E402,F401  (re-exported for the figures' error bars)

__all__ = ["DPI", "STYLE", "figure_path", "figure_source", "legend_outside", "save_figure", "stamp_source"]


DPI = 150
"""Resolution of every saved figure."""

STYLE = {
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.figsize": (6.4, 4.2),
    "figure.constrained_layout.use": True,
    "lines.linewidth": 1.8,
    "savefig.facecolor": "white",
}
"""rcParams applied on import: fonts of at least 10 pt, light grid, no top/right spines."""

matplotlib.rcParams.update(STYLE)

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_KEY = b"Source"


def save_figure(fig: Figure, path: Path, source: str | None = None) -> Path:
    """Save ``fig`` as a PNG at :data:`DPI`, atomically, and close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; it is closed afterwards, even on failure.
    path : Path
        Target file; must end in ``.png``.  Parent directories are created.
    source : str, optional
        SHA-256 hex digest of the result file the figure is drawn from, stored in the
        ``Source`` text chunk.  Claim figure functions leave it out: the runner stamps
        the digest of the final result file afterwards (:func:`stamp_source`).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    try:
        if not isinstance(fig, Figure):
            raise TypeError(f"save_figure() needs a matplotlib Figure, got {type(fig).__name__}.")
        if path.suffix.lower() != ".png":
            raise ValueError(f"figures are saved as PNG; {path.name} must end in '.png'.")
        # No 'Software' chunk: the bytes then depend only on the pixels and the source.
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None, "Source": source})
        write_bytes_atomic(path, buffer.getvalue())
    finally:
        if isinstance(fig, Figure):
            plt.close(fig)
    return path


def figure_path(result, out_dir: Path, variant: str | None = None) -> Path:
    """Where a claim's figure goes: ``<out_dir>/<claim_id>.png``, or ``<claim_id>_<variant>.png``.

    The name comes from ``result["claim_id"]``, so a figure cannot be filed under another claim.

    Examples
    --------
    >>> figure_path({"claim_id": "myopia.reff_bridge"}, Path("figures")).as_posix()
    'figures/myopia.reff_bridge.png'
    >>> figure_path({"claim_id": "spectral.image_mlp"}, Path("figures"), "digits").name
    'spectral.image_mlp_digits.png'
    """
    name = result["claim_id"] if not variant else f"{result['claim_id']}_{variant}"
    return Path(out_dir) / f"{name}.png"


def legend_outside(fig: Figure, axes=None, loc: str = "outside lower center", ncols: int | None = None, **kwargs):
    """One legend for the whole figure, outside every axes, so it can never cover data.

    Handles are gathered from ``axes`` (default: all axes of ``fig``), each label once, in the
    order first seen.  ``loc`` is one of matplotlib's ``"outside ..."`` locations, which the
    constrained layout (on by :data:`STYLE`) reserves room for.  ``ncols`` defaults to all
    entries in one row, at most 4.  Returns the legend, or ``None`` when nothing is labelled.
    """
    if not str(loc).startswith("outside"):
        raise ValueError(
            f"legend_outside() places legends outside the axes; loc must start with 'outside', got {loc!r}."
        )
    handles: dict[str, object] = {}
    for ax in fig.axes if axes is None else list(axes):
        for handle, label in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(label, handle)
    if not handles:
        return None
    ncols = min(len(handles), 4) if ncols is None else ncols
    return fig.legend(list(handles.values()), list(handles), loc=loc, ncols=ncols, **kwargs)


def figure_source(path: Path) -> str | None:
    """The ``Source`` text stored in the PNG at ``path``, or ``None`` if it has none."""
    with Image.open(path) as image:
        image.load()
        return getattr(image, "text", {}).get("Source")


def _chunks(data: bytes, path: Path) -> list[tuple[bytes, bytes]]:
    if not data.startswith(_SIGNATURE):
        raise ValueError(f"{path} is not a PNG file.")
    chunks, pos = [], len(_SIGNATURE)
    while pos < len(data):
        if pos + 8 > len(data):
            raise ValueError(f"{path} is a truncated PNG file.")
        (length,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise ValueError(f"{path} is a truncated PNG file.")
        chunks.append((kind, body))
        pos += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise ValueError(f"{path} is not a well-formed PNG file.")
    return chunks


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def stamp_source(path: Path, source: str) -> Path:
    """Set the ``Source`` text chunk of the PNG at ``path`` to ``source``, atomically.

    The pixel data and every other chunk are copied byte for byte; any previous
    ``Source`` chunk is dropped and the new one follows the header chunk, where
    Pillow puts it, so stamping after saving gives the same bytes as saving with a source.

    Raises
    ------
    ValueError
        If ``path`` is not a well-formed PNG or ``source`` is not printable Latin-1.
    """
    path = Path(path)
    if not isinstance(source, str) or not source or not source.isprintable():
        raise ValueError(f"the source stamp must be a non-empty printable string, got {source!r}.")
    try:
        text = _KEY + b"\x00" + source.encode("latin-1")
    except UnicodeEncodeError:
        raise ValueError(f"the source stamp must be Latin-1 text, got {source!r}.") from None
    out = [_SIGNATURE]
    for kind, body in _chunks(path.read_bytes(), path):
        if kind == b"tEXt" and body.split(b"\x00", 1)[0] == _KEY:
            continue
        out.append(_chunk(kind, body))
        if kind == b"IHDR":
            out.append(_chunk(b"tEXt", text))
    write_bytes_atomic(path, b"".join(out))
    return path
