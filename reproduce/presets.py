"""Named presets: how much compute a run of the whole suite may spend.

Each claim owns a frozen parameter dataclass per preset (``Claim.configs``); the preset
itself carries what is common to every claim: the seed, the time budget and the device policy.

Device policy (one for every trained model, see :func:`reproduce.torch_runtime.run_device`): the
``quick`` and ``default`` presets train on the CPU, so that their committed record is reproducible
on any machine; ``paper`` takes CUDA when torch sees one (``auto``).  ``--device`` (or
``$REPRODUCE_DEVICE``) overrides the preset's choice.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PRESETS", "Preset", "get_preset"]


@dataclass(frozen=True)
class Preset:
    """A named scale for the whole suite.

    Attributes
    ----------
    name : str
        ``quick``, ``default`` or ``paper``.
    description : str
        What the preset is for, one sentence.
    budget_s : float or None
        Target wall-clock time of the whole suite on 2 CPU cores (None: no target).
    seed : int
        Master seed; every claim derives its own generator from it and its id.
    device : str
        ``"cpu"`` or ``"auto"`` (CUDA when present, never required): where models train unless
        ``--device`` / ``$REPRODUCE_DEVICE`` says otherwise.
    replicates, records : int or None
        Budget overrides for trained claims (``--replicates``, ``--records``): train this many
        seeds, record at this many log-spaced steps.  ``None`` keeps each claim's own setting.
        They change the claim's stored configuration, so such a run never passes for a full one.
    """

    name: str
    description: str
    budget_s: float | None
    seed: int = 0
    device: str = "cpu"
    replicates: int | None = None
    records: int | None = None

    def __post_init__(self) -> None:
        if self.device not in ("cpu", "auto", "cuda"):
            raise ValueError(f"device must be 'cpu', 'auto' or 'cuda', got {self.device!r}.")
        for field_name, minimum in (("replicates", 1), ("records", 2)):
            v = getattr(self, field_name)
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < minimum):
                raise ValueError(f"{field_name} must be an integer >= {minimum} or None, got {v!r}.")

    @property
    def overrides(self) -> dict[str, int]:
        """The budget overrides that are set, e.g. ``{"replicates": 1}``."""
        return {k: v for k, v in (("replicates", self.replicates), ("records", self.records)) if v is not None}


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("quick", "smoke scale for tests and CI: every claim runs, numbers are rough", 180.0),
        Preset("default", "the README's main job: statistically meaningful on a 2-core laptop", 1200.0),
        Preset("paper", "the papers' own scale; may take hours; uses a GPU when present", None, device="auto"),
    )
}


def get_preset(name: str) -> Preset:
    """The preset called ``name``; ``ValueError`` listing the valid names otherwise."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ValueError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}.") from None
