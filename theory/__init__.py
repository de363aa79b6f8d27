"""Pure mathematics behind the two papers: numpy, scipy and sympy only.

No torch, no matplotlib, no file I/O; networkx graphs are accepted as input objects but
networkx is never imported.  Modules are named after the papers' nouns:

* :mod:`theory.effective_resistance` -- exact and Spielman--Srivastava ``R_eff`` (Siami, eq. 3.1);
* :mod:`theory.bridges` -- bridges (cut edges) by array operations;
* :mod:`theory.laplacian` -- edge arrays, weights as conductances, the graph Laplacian;
* :mod:`theory.resistance_sketch` -- the random-projection estimator and its block CG solver.
* :mod:`theory.linear_denoiser` -- one-layer weights (eq. 7) and generated variance (Prop. 4.2), Lemma 4.1 map;
* :mod:`theory.two_layer_denoiser` -- symmetric two-layer logistic weights (Prop. 5.1);
* :mod:`theory.convolutional_denoiser` -- circulant and local-patch filters (Props. 5.2-5.4);
* :mod:`theory.flow_matching` -- one-layer linear flow matching;
* :mod:`theory.emergence` -- emergence times, criteria, rising/falling fits of the inverse law;
* :mod:`theory.exponential_integral` -- a fast vectorised ``E1`` for the closed forms;
* :mod:`theory.gradient_starvation` -- rare Bernoulli edges as low-variance modes; weighted marginal.
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
