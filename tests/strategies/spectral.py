"""Hypothesis strategies for the spectral-bias theory: mode variances, times, initial weights.

Floats are drawn log-uniformly in the issue's ranges (lambda in [1e-3, 1e2], tau in [1e-4, 1e3]),
where the closed forms are claimed to hold to 1e-6.
"""

from hypothesis import strategies as st


def log_uniform(lo: float, hi: float):
    """Floats whose base-10 logarithm is uniform on [log10 lo, log10 hi]."""
    import math

    return st.floats(math.log10(lo), math.log10(hi), allow_nan=False).map(lambda e: 10.0**e)


lambdas = log_uniform(1e-3, 1e2)
taus = log_uniform(1e-4, 1e3)
etas = log_uniform(0.1, 10.0)
sigmas = log_uniform(1e-2, 1e2)
small_Q = st.sampled_from([0.0, 0.05, 0.1])
Qs = st.sampled_from([0.0, 0.1, 0.5, 1.0])
epsilons = log_uniform(1e-4, 0.5)
omegas = log_uniform(0.1, 1e3)
