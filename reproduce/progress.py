"""Progress a person can follow: which claim runs, which loop inside it, how fast, how long to go.

Two pieces, standard library only:

- :func:`task` names the claim that is running (the runner enters it around each claim), and
  every progress line written meanwhile starts with that name;
- :class:`Progress` (and :func:`progress`, which wraps an iterable in one) reports a loop: count,
  percentage, rate and ETA.

On a terminal a bar redraws one line with carriage returns (at most every ``0.2 s``).  Written to
a file or a pipe (CI, ``make reproduce > log``), it prints a plain line at most every
``log_interval_s`` seconds (default :data:`LOG_INTERVAL_S`) and a final line, so logs stay short
and contain no carriage returns.

Examples
--------
>>> import io
>>> log = io.StringIO()
>>> with task("spectral.demo"):
...     [x * x for x in progress(range(3), desc="squares", stream=log)]
[0, 1, 4]
>>> log.getvalue().splitlines()[-1].startswith("spectral.demo | squares: 3/3 (100%)")
True
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["LOG_INTERVAL_S", "Progress", "current_task", "format_seconds", "progress", "task"]

T = TypeVar("T")

LOG_INTERVAL_S = 5.0
"""Seconds between two plain progress lines in a log file."""

_TTY_INTERVAL_S = 0.2
_WIDTH = 20
_TASK: contextvars.ContextVar[str | None] = contextvars.ContextVar("reproduce_task", default=None)


@contextlib.contextmanager
def task(name: str):
    """Prefix every progress line written inside the block with ``name`` (a claim id)."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"a task needs a non-empty name, got {name!r}.")
    token = _TASK.set(name)
    try:
        yield
    finally:
        _TASK.reset(token)


def current_task() -> str | None:
    """The name given to the innermost :func:`task`, or None outside one."""
    return _TASK.get()


def format_seconds(seconds: float) -> str:
    """``42 s``, ``3 min 05 s`` or ``1 h 02 min``.

    Examples
    --------
    >>> format_seconds(4.25), format_seconds(185), format_seconds(3725)
    ('4.2 s', '3 min 05 s', '1 h 02 min')
    """
    if seconds < 60:
        return f"{seconds:.1f} s" if seconds < 10 else f"{seconds:.0f} s"
    if seconds < 3600:
        return f"{int(seconds // 60)} min {int(seconds % 60):02d} s"
    return f"{int(seconds // 3600)} h {int(seconds % 3600 // 60):02d} min"


def _rate(rate: float) -> str:
    return f"{rate:.0f}" if rate >= 100 else f"{rate:.3g}"


class Progress:
    """A progress reporter for a loop of ``total`` units (or an unknown number).

    Parameters
    ----------
    total : int, optional
        Units of work; ``None`` when unknown (no percentage, no ETA).
    desc : str
        What the loop does, e.g. ``"train barbell lam=2"``; the current :func:`task` is prepended.
    unit : str
        Name of one unit in the rate (``"it/s"``, ``"step/s"``, ``"graph/s"``...).
    stream : text stream, optional
        Where to write; ``sys.stderr`` (looked up at construction) when omitted.
    log_interval_s : float
        Off a terminal, the least number of seconds between two intermediate lines.
    initial : int
        Units already done before this call (a resumed run); they are counted but do not enter
        the rate.

    Examples
    --------
    >>> import io
    >>> log = io.StringIO()
    >>> bar = Progress(4, desc="train", unit="step", stream=log)
    >>> bar.update(4)
    >>> bar.close()
    >>> log.getvalue().startswith("train: 4/4 (100%)")
    True
    """

    def __init__(
        self,
        total: int | None = None,
        desc: str = "",
        *,
        unit: str = "it",
        stream: TextIO | None = None,
        log_interval_s: float = LOG_INTERVAL_S,
        initial: int = 0,
    ) -> None:
        if total is not None and (isinstance(total, bool) or not isinstance(total, int) or total < 0):
            raise ValueError(f"total must be a non-negative int or None, got {total!r}.")
        if isinstance(initial, bool) or not isinstance(initial, int) or initial < 0:
            raise ValueError(f"initial must be a non-negative int, got {initial!r}.")
        if not log_interval_s >= 0:
            raise ValueError(f"log_interval_s must be non-negative, got {log_interval_s!r}.")
        self.total, self.unit, self.done = total, unit, initial
        name = current_task()
        self.desc = f"{name} | {desc}" if name and desc else (name or desc)
        self._out = sys.stderr if stream is None else stream
        self._tty = bool(getattr(self._out, "isatty", lambda: False)())
        self._interval = _TTY_INTERVAL_S if self._tty else float(log_interval_s)
        self._initial = initial
        self._start = self._last = time.perf_counter()
        self._closed = False

    def line(self) -> str:
        """The current progress line (without a line ending)."""
        elapsed = time.perf_counter() - self._start
        fresh = self.done - self._initial
        if self.total and self._initial >= self.total:
            return f"{self.desc + ': ' if self.desc else ''}{self.total}/{self.total} already done (from the cache)"
        rate = fresh / elapsed if elapsed > 0 else 0.0
        head = f"{self.desc}: " if self.desc else ""
        if self.total:
            fraction = min(self.done / self.total, 1.0)
            bar = f" [{'#' * int(_WIDTH * fraction):{'.'}<{_WIDTH}}]" if self._tty else ""
            count = f"{self.done}/{self.total} ({100 * fraction:.0f}%){bar}"
        else:
            count = f"{self.done}"
        text = f"{head}{count}, {_rate(rate)} {self.unit}/s, {format_seconds(elapsed)}"
        if self.total and rate > 0 and self.done < self.total:
            text += f", ETA {format_seconds((self.total - self.done) / rate)}"
        return text

    def update(self, n: int = 1) -> None:
        """Count ``n`` more units; write a line if enough time has passed since the last."""
        self.done += n
        now = time.perf_counter()
        if now - self._last >= self._interval and (self.total is None or self.done < self.total):
            self._last = now
            self._write(("\r" + self.line()) if self._tty else (self.line() + "\n"))

    def close(self) -> None:
        """Write the final line (once)."""
        if not self._closed:
            self._closed = True
            self._write(("\r" + self.line() + "\n") if self._tty else (self.line() + "\n"))

    def _write(self, text: str) -> None:
        self._out.write(text)
        self._out.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def progress(
    iterable: Iterable[T],
    total: int | None = None,
    desc: str = "",
    *,
    unit: str = "it",
    stream: TextIO | None = None,
    log_interval_s: float = LOG_INTERVAL_S,
) -> Iterator[T]:
    """Yield the items of ``iterable`` while a :class:`Progress` reports on ``stream``.

    ``total`` is taken from ``len(iterable)`` when it has one.  See :class:`Progress` for the
    other parameters.
    """
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    bar = Progress(total, desc, unit=unit, stream=stream, log_interval_s=log_interval_s)
    for item in iterable:
        yield item
        bar.update()
    bar.close()
