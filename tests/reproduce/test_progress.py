"""Tests of reproduce.progress: claim names, rate and ETA, time-throttled plain lines, terminal redraws."""

from __future__ import annotations

import io

import pytest

import reproduce.progress as progress_module
from reproduce.progress import Progress, current_task, format_seconds, progress, task


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Clock:
    """A settable replacement for time.perf_counter."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(progress_module.time, "perf_counter", fake)
    return fake


def test_yields_every_item_in_order():
    log = io.StringIO()
    assert list(progress(iter("abcde"), total=5, stream=log)) == list("abcde")


def test_plain_lines_are_throttled_by_time_not_count(clock):
    log = io.StringIO()
    bar = Progress(1000, "train", unit="step", stream=log, log_interval_s=5.0)
    for _ in range(1000):
        clock.now += 0.01  # 10 s in all: lines at 5 s and 10 s at most, then the final one
        bar.update()
    bar.close()
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert 2 <= len(lines) <= 3
    assert lines[0].startswith("train: 50") and "/1000 (50%), 100 step/s, 5.0 s, ETA 5.0 s" in lines[0]
    assert lines[-1].startswith("train: 1000/1000 (100%), 100 step/s, 10")
    assert "ETA" not in lines[-1]


def test_task_prefixes_the_claim_and_nests():
    log = io.StringIO()
    assert current_task() is None
    with task("myopia.x"):
        assert current_task() == "myopia.x"
        with Progress(2, "sample", unit="graph", stream=log) as bar:
            bar.update(2)
    assert current_task() is None
    assert log.getvalue().startswith("myopia.x | sample: 2/2 (100%)")
    with pytest.raises(ValueError, match="name"):
        with task(""):
            pass


def test_resumed_work_counts_but_does_not_inflate_the_rate(clock):
    log = io.StringIO()
    bar = Progress(100, "train", stream=log, initial=90)
    clock.now = 10.0
    bar.update(10)
    bar.close()
    assert log.getvalue().startswith("train: 100/100 (100%), 1 it/s")


def test_unknown_total_writes_only_the_count():
    log = io.StringIO()
    list(progress((i for i in range(7)), stream=log))
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("7, ")


def test_terminal_redraws_with_carriage_returns(clock):
    term = FakeTerminal()
    bar = Progress(3, "x", stream=term)
    for _ in range(3):
        clock.now += 1.0
        bar.update()
    bar.close()
    text = term.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
    assert "[####################]" in text


def test_rejects_bad_arguments():
    with pytest.raises(ValueError, match="total"):
        list(progress([1], total=-1, stream=io.StringIO()))
    with pytest.raises(ValueError, match="initial"):
        Progress(3, initial=-1, stream=io.StringIO())


def test_format_seconds():
    assert format_seconds(0.04) == "0.0 s"
    assert format_seconds(59.4) == "59 s"
    assert format_seconds(61) == "1 min 01 s"
    assert format_seconds(7260) == "2 h 01 min"


def test_work_loaded_whole_from_a_cache_says_so():
    log = io.StringIO()
    Progress(50, "train", stream=log, initial=50).close()
    assert log.getvalue() == "train: 50/50 already done (from the cache)\n"
