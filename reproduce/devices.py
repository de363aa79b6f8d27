"""The device policy's names, importable without torch (worker processes read them before importing it).

See :func:`reproduce.torch_runtime.run_device` for the policy itself.
"""

from __future__ import annotations

__all__ = ["DEVICES", "DEVICE_ENV"]

DEVICES = ("cpu", "cuda", "auto")
"""``cpu``; ``cuda`` (an error when torch sees none); ``auto`` (CUDA when torch sees one, else the CPU)."""

DEVICE_ENV = "REPRODUCE_DEVICE"
"""The environment variable holding the device of every trained model of a run."""
