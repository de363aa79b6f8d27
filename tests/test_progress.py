"""Tests of reproduce.progress."""

from __future__ import annotations

import io

import pytest

from reproduce.progress import progress


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_yields_every_item_in_order():
    log = io.StringIO()
    assert list(progress(iter("abcde"), total=5, stream=log)) == list("abcde")


def test_plain_stream_gets_few_lines():
    log = io.StringIO()
    list(progress(range(1000), desc="loop", stream=log, lines=5))
    lines = log.getvalue().splitlines()
    assert "\r" not in log.getvalue()
    assert 2 <= len(lines) <= 6
    assert lines[-1].startswith("loop: 1000/1000 [" + "#" * 24 + "]")


def test_unknown_total_writes_only_the_count():
    log = io.StringIO()
    list(progress((i for i in range(7)), stream=log))
    assert log.getvalue().splitlines() == [log.getvalue().splitlines()[-1]]
    assert log.getvalue().startswith("7 ")


def test_terminal_redraws_with_carriage_returns():
    term = FakeTerminal()
    list(progress(range(3), desc="x", stream=term, min_interval_s=0.0))
    text = term.getvalue()
    assert text.count("\r") == 4 and text.endswith("\n") and text.count("\n") == 1


def test_rejects_bad_total():
    with pytest.raises(ValueError, match="total"):
        list(progress([1], total=-1, stream=io.StringIO()))
