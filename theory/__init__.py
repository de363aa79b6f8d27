"""Pure mathematics behind the two papers: numpy, scipy and sympy only.

No torch, no matplotlib, no file I/O; networkx graphs are accepted as input objects but
networkx is never imported.  Modules are named after the papers' nouns:

* :mod:`theory.effective_resistance` -- exact and Spielman--Srivastava ``R_eff`` (Siami, eq. 3.1);
* :mod:`theory.bridges` -- bridges (cut edges) by array operations;
* :mod:`theory.kron_reduction` -- subtraction-free node elimination, exact at any conductance ratio;
* :mod:`theory.laplacian` -- edge arrays, weights as conductances, the graph Laplacian;
* :mod:`theory.connectivity` -- exact connectivity of edge-independent random graphs (Siami, Thm 3.2);
* :mod:`theory.resistance_sketch` -- the random-projection estimator and its block CG solver.
* :mod:`theory.linear_denoiser` -- one-layer weights (eq. 7) and generated variance (Prop. 4.2), Lemma 4.1 map;
* :mod:`theory.two_layer_denoiser` -- symmetric two-layer logistic weights (Prop. 5.1);
* :mod:`theory.convolutional_denoiser` -- circulant and local-patch filters (Props. 5.2-5.4);
* :mod:`theory.flow_matching` -- one-layer linear flow matching;
* :mod:`theory.emergence` -- emergence times, criteria, rising/falling fits of the inverse law;
* :mod:`theory.exponential_integral` -- a fast vectorised ``E1`` for the closed forms;
* :mod:`theory.gradient_starvation` -- rare Bernoulli edges as low-variance modes; weighted marginal.

The convenience names below (``from theory import edge_resistances``) are imported lazily, on
first use: importing ``theory.emergence`` then does not execute the effective-resistance engine,
so a claim's code fingerprint (:mod:`reproduce.fingerprint`) covers only the modules it uses.
"""

import importlib

_EXPORTS = {
    "bridge_mask": "theory.bridges",
    "edge_resistance_array": "theory.effective_resistance",
    "edge_resistances": "theory.effective_resistance",
    "resistance": "theory.effective_resistance",
    "resistance_matrix": "theory.effective_resistance",
    "sketch_size": "theory.effective_resistance",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import a convenience name from its module on first access (PEP 562)."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'theory' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
