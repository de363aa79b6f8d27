"""Claims that join the two papers: a rare edge as a low-variance mode (gradient starvation).

* :mod:`.starvation_law` (``bridge.starvation_law``) -- the inverse-variance law of Wang &
  Pehlevan applied to a Bernoulli(eps) edge, and the speed-up of the weighted loss, against a
  simulation of the uncentred linear denoiser (:mod:`theory.gradient_starvation`);
* :mod:`.starvation_dynamics` (``bridge.starvation_dynamics``) -- the same prediction on the
  trained graph-diffusion networks of :mod:`reproduce.myopia.graph_diffusion`.
"""
