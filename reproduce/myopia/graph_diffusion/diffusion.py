r"""The forward edge-noise process and its exact posterior (DiGress with two edge classes).

Every edge slot ``A_ij`` (``i < j``) of a graph on a fixed node set runs its own Markov chain.
One step keeps the state with probability ``alpha_t`` and otherwise redraws it from the
marginal edge density ``pi`` of the training set (DiGress's "marginal" transition):

.. math:: Q_t = \alpha_t I + (1 - \alpha_t) \mathbf 1 m^\top, \qquad m = (1 - \pi, \pi),

so ``Q_1 ... Q_t = \bar\alpha_t I + (1 - \bar\alpha_t) 1 m^T`` with ``\bar\alpha_t = \prod_{s \le t} \alpha_s`` and

.. math:: q(A_t = 1 | A_0) = \bar\alpha_t A_0 + (1 - \bar\alpha_t)\,\pi .

The schedule is the cosine one of Nichol & Dhariwal (2021), ``\bar\alpha_t = f(t)/f(0)`` with
``f(t) = \cos^2(\tfrac{\pi}{2} \tfrac{t/T + s}{1 + s})``, ``s = 0.008``; ``\bar\alpha_T = 0`` exactly
(up to round-off), so ``A_T`` is i.i.d. Bernoulli(``pi``) and carries no information on ``A_0``.

The reverse step uses the network's ``x_0``-prediction ``\hat p = P(A_0 = 1 | A_t)``:

.. math:: p(A_{t-1} = 1 | A_t) = \sum_{a \in \{0, 1\}} q(A_{t-1} = 1 | A_t, A_0 = a)\, \hat p(a),

with the Bayes posterior ``q(A_{t-1} | A_t, A_0) \propto q(A_t | A_{t-1})\, q(A_{t-1} | A_0)``.
All functions are elementwise and broadcast; they work on numpy arrays and torch tensors alike.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["CosineSchedule", "forward_probability", "posterior_probability", "reverse_probability"]


class CosineSchedule:
    """Cosine noise schedule with ``T`` steps.

    Attributes
    ----------
    T : int
    alpha_bar : ndarray, shape (T + 1,)
        ``\\bar\\alpha_t``, ``alpha_bar[0] = 1``, decreasing to ``alpha_bar[T] = 0``.
    alpha : ndarray, shape (T + 1,)
        One-step keep probabilities ``alpha_t = alpha_bar[t] / alpha_bar[t - 1]`` (``alpha[0] = 1``).

    Examples
    --------
    >>> s = CosineSchedule(10)
    >>> float(s.alpha_bar[0]), round(float(s.alpha_bar[-1]), 12)
    (1.0, 0.0)
    """

    def __init__(self, T: int, s: float = 0.008):
        if int(T) != T or T < 1:
            raise ValueError(f"the number of diffusion steps T must be a positive integer, got {T!r}.")
        if not s > 0:
            raise ValueError(f"the cosine offset s must be positive, got {s!r}.")
        self.T = int(T)
        t = np.arange(self.T + 1) / self.T
        f = np.cos(0.5 * math.pi * (t + s) / (1 + s)) ** 2
        ab = np.clip(f / f[0], 0.0, 1.0)
        ab[-1] = 0.0  # cos(pi/2) round-off: make the last step exactly the stationary law
        self.alpha_bar = ab
        alpha = np.ones(self.T + 1)
        alpha[1:] = ab[1:] / ab[:-1]
        self.alpha = alpha


def forward_probability(a0, alpha_bar_t, pi):
    """``q(A_t = 1 | A_0 = a0)`` = ``alpha_bar_t a0 + (1 - alpha_bar_t) pi`` (elementwise).

    Examples
    --------
    >>> forward_probability(1.0, 0.5, 0.2), forward_probability(0.0, 0.0, 0.2)
    (0.6, 0.2)
    """
    return alpha_bar_t * a0 + (1.0 - alpha_bar_t) * pi


def posterior_probability(at, a0, alpha_t, alpha_bar_prev, pi):
    """``q(A_{t-1} = 1 | A_t = at, A_0 = a0)`` by Bayes' rule (elementwise, ``at``/``a0`` in {0, 1}).

    ``q(A_t | A_{t-1} = v) = alpha_t 1[A_t = v] + (1 - alpha_t) m(A_t)``,
    ``q(A_{t-1} = v | A_0) = alpha_bar_prev 1[v = A_0] + (1 - alpha_bar_prev) m(v)``.

    Examples
    --------
    >>> round(posterior_probability(1.0, 1.0, 1.0, 0.3, 0.4), 12)  # alpha_t = 1: A_{t-1} = A_t
    1.0
    """
    # likelihood of the observed A_t given A_{t-1} = 1 and = 0
    like1 = alpha_t * at + (1.0 - alpha_t) * (pi * at + (1.0 - pi) * (1.0 - at))
    like0 = alpha_t * (1.0 - at) + (1.0 - alpha_t) * (pi * at + (1.0 - pi) * (1.0 - at))
    prior1 = alpha_bar_prev * a0 + (1.0 - alpha_bar_prev) * pi
    num = like1 * prior1
    return num / (num + like0 * (1.0 - prior1))


def reverse_probability(at, p0, alpha_t, alpha_bar_prev, pi):
    """``p(A_{t-1} = 1 | A_t)`` from the ``x_0``-prediction ``p0 = P(A_0 = 1 | A_t)``."""
    return p0 * posterior_probability(at, 1.0, alpha_t, alpha_bar_prev, pi) + (1.0 - p0) * posterior_probability(
        at, 0.0, alpha_t, alpha_bar_prev, pi
    )
