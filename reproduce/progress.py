"""A tiny progress bar for long loops inside claims, written to stderr.

On a terminal the bar redraws one line with carriage returns; in a log file (CI, ``make
reproduce > log``) it writes a few plain lines instead, so logs stay short.  Nothing is
imported beyond the standard library.

Examples
--------
>>> import io
>>> log = io.StringIO()
>>> [x * x for x in progress(range(3), desc="squares", stream=log)]
[0, 1, 4]
>>> log.getvalue().splitlines()[-1].startswith("squares: 3/3")
True
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["progress"]

T = TypeVar("T")

_WIDTH = 24


def _line(desc: str, done: int, total: int | None, elapsed: float) -> str:
    head = f"{desc}: " if desc else ""
    if total:
        filled = int(_WIDTH * done / total)
        bar = "#" * filled + "." * (_WIDTH - filled)
        return f"{head}{done}/{total} [{bar}] {elapsed:.1f} s"
    return f"{head}{done} {elapsed:.1f} s"


def progress(
    iterable: Iterable[T],
    total: int | None = None,
    desc: str = "",
    *,
    stream: TextIO | None = None,
    min_interval_s: float = 0.2,
    lines: int = 5,
) -> Iterator[T]:
    """Yield the items of ``iterable`` while reporting progress on ``stream``.

    Parameters
    ----------
    iterable : iterable
        The loop to wrap.
    total : int, optional
        Number of items; taken from ``len(iterable)`` when it has one.
    desc : str
        A label printed before the counter.
    stream : text stream, optional
        Where to write; ``sys.stderr`` (looked up at call time) when omitted.
    min_interval_s : float
        On a terminal, redraw at most this often.
    lines : int
        Off a terminal, at most this many intermediate plain lines (evenly spaced by
        count, when ``total`` is known) besides the final one.

    Yields
    ------
    object
        The items of ``iterable``, unchanged and in order.
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
        raise ValueError(f"total must be a non-negative int or None, got {total!r}.")
    out = sys.stderr if stream is None else stream
    tty = bool(getattr(out, "isatty", lambda: False)())
    step = max(1, -(-total // (lines + 1))) if total else None
    start = last = time.perf_counter()
    done = 0
    for item in iterable:
        yield item
        done += 1
        now = time.perf_counter()
        if tty and now - last >= min_interval_s:
            out.write("\r" + _line(desc, done, total, now - start))
            out.flush()
            last = now
        elif not tty and step is not None and done % step == 0 and done != total:
            out.write(_line(desc, done, total, now - start) + "\n")
    final = _line(desc, done, total, time.perf_counter() - start)
    out.write(("\r" + final + "\n") if tty else (final + "\n"))
    out.flush()
