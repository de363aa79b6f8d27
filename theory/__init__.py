"""Pure mathematics behind the two papers: numpy, scipy and sympy only.

No torch, no matplotlib, no file I/O; networkx graphs are accepted as input objects but
networkx is never imported.  Modules are named after the papers' nouns:

* :mod:`theory.effective_resistance` -- exact and Spielman--Srivastava ``R_eff`` (Siami, eq. 3.1);
* :mod:`theory.bridges` -- bridges (cut edges) by array operations;
* :mod:`theory.laplacian` -- edge arrays, weights as conductances, the graph Laplacian;
* :mod:`theory.resistance_sketch` -- the random-projection estimator and its block CG solver.
"""

from theory.bridges import bridge_mask
from theory.effective_resistance import (
    edge_resistance_array,
    edge_resistances,
    resistance,
    resistance_matrix,
    sketch_size,
)

__all__ = [
    "bridge_mask",
    "edge_resistance_array",
    "edge_resistances",
    "resistance",
    "resistance_matrix",
    "sketch_size",
]
