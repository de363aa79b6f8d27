"""Per-edge (factorised) generative models of graphs, and what they learn (Siami, Lemma 3.1, Thm 3.2).

A factorised model treats every edge slot as its own Bernoulli variable.  Three ways of
fitting one to ``N`` training graphs, each a witness of Lemma 3.1 (the ELBO-optimal
factorised model reproduces the marginal edge frequencies):

* :func:`bernoulli_mle` -- the closed-form maximum-likelihood marginal, the empirical frequency;
* :func:`fit_logistic` -- one logit per edge trained by gradient descent on the cross-entropy;
* :class:`TabularEdgeDiffusion` -- a discrete diffusion on each edge indicator (binary
  symmetric flip noise, exact ``x_T ~ Bernoulli(1/2)``), with a tabular ``x_0``-predictor
  ``p(x_0 = 1 | x_t, t)`` per edge fitted on noised training data and sampled ancestrally,
  DiGress-style.

:func:`sample_graphs` draws edge-independent graphs ("frequency-faithful sampling").  The exact
connectivity probabilities they are compared with (Theorem 3.2) are :mod:`theory.connectivity`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "TabularEdgeDiffusion",
    "bernoulli_mle",
    "fit_logistic",
    "sample_graphs",
]


def _check_frequencies(frequency) -> np.ndarray:
    f = np.asarray(frequency, dtype=float)
    if f.ndim != 1 or f.size == 0:
        raise ValueError("edge frequencies must be a non-empty one-dimensional array.")
    if not np.all((f >= 0) & (f <= 1)):
        raise ValueError("edge frequencies must lie in [0, 1].")
    return f


def sample_graphs(frequency, count: int, rng: np.random.Generator) -> np.ndarray:
    """``count`` graphs with edge ``e`` present independently with probability ``frequency[e]``.

    Returns
    -------
    ndarray of bool, shape (count, m)

    Examples
    --------
    >>> sample_graphs([0.0, 1.0], 3, np.random.default_rng(0)).astype(int).tolist()
    [[0, 1], [0, 1], [0, 1]]
    """
    f = _check_frequencies(frequency)
    if int(count) != count or count < 1:
        raise ValueError(f"count must be a positive integer, got {count!r}.")
    return rng.random((int(count), f.size)) < f


def bernoulli_mle(data) -> np.ndarray:
    """Maximum-likelihood per-edge Bernoulli parameters: the empirical frequencies.

    Parameters
    ----------
    data : array_like of bool, shape (N, m)

    Examples
    --------
    >>> bernoulli_mle([[1, 0], [1, 1], [0, 0], [1, 0]]).tolist()
    [0.75, 0.25]
    """
    x = np.asarray(data, dtype=float)
    if x.ndim != 2 or x.shape[0] < 1:
        raise ValueError("training data must be a (graphs, edges) array with at least one graph.")
    return x.mean(axis=0)


def fit_logistic(data, *, lr: float = 4.0, steps: int = 2000, theta0: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """One logit per edge, trained by full-batch gradient descent on the mean cross-entropy.

    The gradient of ``-mean_n [x log s(theta) + (1 - x) log(1 - s(theta))]`` is
    ``s(theta) - mean_n x``, so the unique minimiser (for a frequency strictly inside (0, 1))
    is ``s(theta) = mean_n x``; gradient descent with ``lr < 8`` (the loss has curvature
    ``<= 1/4``) converges to it.  An edge seen always or never has no finite minimiser and
    its logit drifts out like ``log(step)``.

    Returns
    -------
    p : ndarray, shape (m,)
        ``sigmoid(theta)`` after training.
    loss : ndarray, shape (steps + 1,)
        Mean cross-entropy per edge slot along training.

    Examples
    --------
    >>> p, loss = fit_logistic([[1, 0], [0, 0], [0, 1], [0, 1]])
    >>> p.round(4).tolist(), bool(loss[-1] < loss[0])
    ([0.25, 0.5], True)
    """
    target = bernoulli_mle(data)
    if not 0 < lr < 8:
        raise ValueError(f"the learning rate must lie in (0, 8) for guaranteed convergence, got {lr!r}.")
    theta = np.full(target.size, float(theta0))
    losses = np.empty(int(steps) + 1)
    for i in range(int(steps) + 1):
        p = 1.0 / (1.0 + np.exp(-theta))
        with np.errstate(divide="ignore", invalid="ignore"):
            ce = -(
                np.where(target > 0, target * np.log(p), 0.0) + np.where(target < 1, (1 - target) * np.log1p(-p), 0.0)
            )
        losses[i] = ce.mean()
        if i < steps:
            theta -= lr * (p - target)
    return 1.0 / (1.0 + np.exp(-theta)), losses


@dataclass(frozen=True)
class TabularEdgeDiffusion:
    """A factorised discrete diffusion on edge indicators with a tabular ``x_0``-predictor.

    Forward process, independently per edge: ``x_t`` is ``x_{t-1}`` flipped with probability
    ``beta_t = 1 / (2 (T - t + 1))``, so that ``prod_{s<=t} (1 - 2 beta_s) = 1 - t/T`` and
    ``P(x_t != x_0) = gamma_t = t / (2T)``; at ``t = T`` the edge is a fair coin, independent
    of the data.

    Attributes
    ----------
    steps : int
        ``T``.
    table : ndarray, shape (T + 1, 2, m)
        ``table[t, b, e] = p(x_0 = 1 | x_t = b)`` for edge ``e`` (row ``t = 0`` unused).
    """

    steps: int
    table: np.ndarray

    @staticmethod
    def flip_to_start(t, T: int) -> np.ndarray:
        """``gamma_t = P(x_t != x_0) = t / (2T)``."""
        return np.asarray(t, dtype=float) / (2.0 * T)

    @classmethod
    def fit(cls, data, steps: int, noise_draws: int, rng: np.random.Generator) -> TabularEdgeDiffusion:
        """The cross-entropy-optimal tabular predictor on ``noise_draws`` noised copies of each graph.

        For a table indexed by ``(t, x_t, e)`` the minimiser of the ``x_0``-prediction
        cross-entropy is the conditional frequency of ``x_0 = 1`` among the training pairs
        with that index -- a count, which is what we compute.  Noising each of the ``n1``
        copies with ``x_0 = 1`` keeps ``x_t = 1`` independently with probability
        ``1 - gamma_t``, so the count of ``(x_0, x_t) = (1, 1)`` pairs is drawn directly as
        ``Binomial(S n1, 1 - gamma_t)`` (and ``(0, 1)`` as ``Binomial(S n0, gamma_t)``): the
        same table as flipping ``S`` noised copies one by one, in ``O(T m)``.  A cell never
        visited (possible only for tiny data) falls back to the edge's training frequency.
        """
        x0 = np.asarray(data, dtype=bool)
        if x0.ndim != 2:
            raise ValueError("training data must be a (graphs, edges) array.")
        if int(steps) != steps or steps < 1 or int(noise_draws) != noise_draws or noise_draws < 1:
            raise ValueError("steps and noise_draws must be positive integers.")
        N, m = x0.shape
        n1 = x0.sum(axis=0) * int(noise_draws)
        n0 = N * int(noise_draws) - n1
        freq = x0.mean(axis=0)
        table = np.empty((steps + 1, 2, m))
        table[0] = freq
        for t in range(1, steps + 1):
            gamma = float(cls.flip_to_start(t, steps))
            a11 = rng.binomial(n1, 1.0 - gamma)
            a01 = rng.binomial(n0, gamma)
            a10, a00 = n1 - a11, n0 - a01
            for b, (k_b, n_b) in enumerate(((a10, a10 + a00), (a11, a11 + a01))):
                table[t, b] = np.where(n_b > 0, k_b / np.maximum(n_b, 1), freq)
        return cls(int(steps), table)

    def sample(self, count: int, rng: np.random.Generator) -> np.ndarray:
        """``count`` graphs by ancestral sampling from ``x_T ~ Bernoulli(1/2)``.

        Each reverse step draws ``x_{t-1} ~ sum_{x_0} q(x_{t-1} | x_t, x_0) p(x_0 | x_t)``.

        Returns
        -------
        ndarray of bool, shape (count, m)
        """
        T = self.steps
        m = self.table.shape[2]
        x = rng.random((int(count), m)) < 0.5
        for t in range(T, 0, -1):
            beta = 1.0 / (2.0 * (T - t + 1))
            g_prev = self.flip_to_start(t - 1, T)
            # post[b, e] = P(x_{t-1} = 1 | x_t = b): a (2, m) table, then one lookup per sample.
            post = np.zeros((2, m))
            for b in (0, 1):
                pi = self.table[t, b]  # p(x_0 = 1 | x_t = b)
                like1, like0 = (1 - beta, beta) if b else (beta, 1 - beta)  # q(x_t = b | x_{t-1} = 1 / 0)
                # q(x_{t-1} = 1 | x_t, x_0) = q(x_t | x_{t-1} = 1) q(x_{t-1} = 1 | x_0) / q(x_t | x_0)
                for prior1, weight in ((1 - g_prev, pi), (g_prev, 1 - pi)):
                    post[b] += weight * like1 * prior1 / (like1 * prior1 + like0 * (1 - prior1))
            x = rng.random(x.shape) < np.where(x, post[1], post[0])
        return x
