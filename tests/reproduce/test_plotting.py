"""Tests of reproduce.plotting: saved PNGs and their Source stamp."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from reproduce.plotting import DPI, figure_source, legend_outside, save_figure, stamp_source


def _figure():
    fig, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1, 2], [1, 0, 1])
    return fig


def _pixels(path):
    with Image.open(path) as image:
        return np.asarray(image.convert("RGBA"))


def test_save_figure_writes_png_with_source_and_closes(tmp_path):
    fig = _figure()
    path = save_figure(fig, tmp_path / "sub" / "f.png", source="abc123")
    assert figure_source(path) == "abc123"
    assert not plt.fignum_exists(fig.number)
    with Image.open(path) as image:
        assert image.format == "PNG"
        assert "Software" not in image.text
        assert round(image.info["dpi"][0]) == DPI
    assert [p.name for p in path.parent.iterdir()] == ["f.png"]


def test_unstamped_figure_has_no_source(tmp_path):
    assert figure_source(save_figure(_figure(), tmp_path / "f.png")) is None


def test_stamp_round_trips_and_keeps_pixels(tmp_path):
    path = save_figure(_figure(), tmp_path / "f.png", source="first")
    pixels = _pixels(path)
    stamp_source(path, "second")
    stamp_source(path, "third")
    assert figure_source(path) == "third"
    assert path.read_bytes().count(b"tEXtSource\x00") == 1
    assert np.array_equal(_pixels(path), pixels)


def test_same_figure_same_bytes(tmp_path):
    a = save_figure(_figure(), tmp_path / "a.png", source="s")
    b = save_figure(_figure(), tmp_path / "b.png")
    stamp_source(b, "s")
    assert a.read_bytes() == b.read_bytes()


def test_bad_inputs(tmp_path):
    with pytest.raises(ValueError, match="must end in '.png'"):
        save_figure(_figure(), tmp_path / "f.jpg")
    with pytest.raises(TypeError, match="Figure"):
        save_figure("not a figure", tmp_path / "f.png")
    text = tmp_path / "f.txt"
    text.write_text("hello")
    with pytest.raises(ValueError, match="not a PNG"):
        stamp_source(text, "abc")
    png = save_figure(_figure(), tmp_path / "g.png")
    with pytest.raises(ValueError, match="printable"):
        stamp_source(png, "")
    png.write_bytes(png.read_bytes()[:100])
    with pytest.raises(ValueError, match="truncated"):
        stamp_source(png, "abc")


def test_legend_outside_never_overlaps_an_axes():
    fig, axes = plt.subplots(1, 2)
    axes[0].plot([0, 1], [0, 1], label="a")
    axes[1].plot([0, 1], [1, 0], label="b")
    axes[1].plot([0, 1], [0, 0], label="a")  # a repeated label appears once
    legend = legend_outside(fig)
    fig.canvas.draw()
    box = legend.get_window_extent()
    assert [t.get_text() for t in legend.get_texts()] == ["a", "b"]
    assert not any(box.overlaps(ax.get_window_extent()) for ax in axes)
    with pytest.raises(ValueError, match="outside"):
        legend_outside(fig, loc="upper right")
    plt.close(fig)
