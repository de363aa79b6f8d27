"""The graph families of the Generative Myopia experiments (Siami, Sec. 5).

* :func:`barbell` -- Exp I: two ``K_n`` joined by one bridge (``n = 8``: 57 edges).
* :func:`clique_chain` -- Exp II: complete blocks in a chain, consecutive blocks joined
  by one bridge from the last node of block ``i`` to the first node of block ``i + 1``
  (the paper does not say where its bridges sit; this is our documented rule).
* :func:`visible_bridge` -- Exp III: the barbell with its bridge thickened to ``k`` edges
  ``(i, n + i)``, ``i < k``, joining the two cliques.
* :func:`planted_bridge_graph` -- random weighted pieces joined by planted bridges, for
  testing eq. 3.1 away from the paper's symmetric examples.
* :func:`erdos_renyi_edges`, :func:`grid_edges` -- large edge lists for the cost claim
  (``myopia.reff_cost``) and the resistance benchmark.

Nodes are integers; every function returns a networkx graph and the set of edges it
planted as bridges / cross edges (as sorted tuples).  :func:`edge_frequencies` gives the
training frequency of each edge, aligned with ``G.edges()``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np

__all__ = [
    "barbell",
    "clique_chain",
    "edge_arrays",
    "edge_frequencies",
    "erdos_renyi_edges",
    "grid_edges",
    "planted_bridge_communities",
    "planted_bridge_graph",
    "visible_bridge",
]


def barbell(n: int = 8) -> tuple[nx.Graph, set[tuple[int, int]]]:
    """Two ``K_n`` on nodes ``0..n-1`` and ``n..2n-1`` joined by the bridge ``(n-1, n)``."""
    if n < 2:
        raise ValueError(f"a barbell needs cliques of at least 2 nodes, got {n}.")
    G = nx.barbell_graph(n, 0)
    return G, {(n - 1, n)}


def clique_chain(
    sizes: tuple[int, ...] = (10, 15, 20),
    thickness: tuple[int, ...] | None = None,
    density: float = 1.0,
    rng: np.random.Generator | None = None,
) -> tuple[nx.Graph, set[tuple[int, int]]]:
    """Blocks of the given sizes in a chain, consecutive blocks joined by cross edges.

    Block ``i`` holds consecutive integers.  Link ``i`` (between blocks ``i`` and ``i+1``)
    has ``thickness[i]`` cross edges (default 1 each: a bridge), the ``j``-th joining the
    ``j``-th last node of block ``i`` to the ``j``-th node of block ``i + 1``.  With
    ``density < 1`` each block is a ``G(n, density)`` random graph drawn with ``rng``
    (retried until connected) instead of complete.  Returns the graph and its cross edges.
    """
    if len(sizes) < 1 or min(sizes) < 1:
        raise ValueError(f"block sizes must be positive, got {sizes}.")
    thickness = (1,) * (len(sizes) - 1) if thickness is None else tuple(thickness)
    if len(thickness) != len(sizes) - 1 or min(thickness, default=1) < 1:
        raise ValueError(f"thickness needs {len(sizes) - 1} positive entries, got {thickness}.")
    if not 0.0 < density <= 1.0:
        raise ValueError(f"density must lie in (0, 1], got {density!r}.")
    if density < 1.0 and rng is None:
        raise ValueError("random blocks (density < 1) need an rng.")
    G = nx.Graph()
    cross = set()
    start = 0
    for i, size in enumerate(sizes):
        block = list(range(start, start + size))
        G.add_nodes_from(block)
        if density >= 1.0:
            G.add_edges_from((u, v) for u in block for v in block if u < v)
        else:
            while True:
                B = nx.gnp_random_graph(size, density, seed=int(rng.integers(2**31)))
                if nx.is_connected(B):
                    break
            G.add_edges_from((start + u, start + v) for u, v in B.edges())
        if i > 0:
            for j in range(thickness[i - 1]):
                e = (start - 1 - j, start + j)
                cross.add(e)
                G.add_edge(*e)
        start += size
    return G, cross


def visible_bridge(n: int = 8, k: int = 1) -> tuple[nx.Graph, set[tuple[int, int]]]:
    """Two ``K_n`` (nodes ``0..n-1`` and ``n..2n-1``) joined by the ``k`` edges ``(i, n + i)``.

    ``k = 1`` is a barbell whose bridge sits at node 0 (not at ``n - 1``); for ``k >= 2`` no
    cross edge is a bridge any more, and each has ``R_eff`` below 1.
    """
    if not 1 <= k <= n:
        raise ValueError(f"the bridge thickness k must be between 1 and n = {n}, got {k}.")
    G = nx.complete_graph(n)
    G.add_edges_from((u + n, v + n) for u, v in nx.complete_graph(n).edges())
    cross = {(i, n + i) for i in range(k)}
    G.add_edges_from(cross)
    return G, cross


def edge_arrays(G: nx.Graph) -> tuple[int, np.ndarray, np.ndarray]:
    """``(n, tails, heads)`` of a graph on nodes ``0..n-1``, edges in ``G.edges()`` order."""
    if set(G) != set(range(G.number_of_nodes())):
        raise ValueError("edge_arrays needs nodes labelled 0 .. n-1.")
    E = np.array(list(G.edges()), dtype=np.int64).reshape(-1, 2)
    return G.number_of_nodes(), E[:, 0], E[:, 1]


def edge_frequencies(
    G: nx.Graph, rare: set[tuple[int, int]], common: float = 0.95, rare_freq: float = 0.05
) -> np.ndarray:
    """Training frequency of every edge of ``G`` (``G.edges()`` order): ``rare_freq`` on the
    edges in ``rare``, ``common`` elsewhere (Exp I: 0.05 and 0.95 [paper])."""
    for name, x in (("common", common), ("rare_freq", rare_freq)):
        if not 0.0 <= x <= 1.0:
            raise ValueError(f"{name} must be a frequency in [0, 1], got {x!r}.")
    return np.array([rare_freq if (min(u, v), max(u, v)) in rare else common for u, v in G.edges()])


def planted_bridge_graph(
    rng: np.random.Generator, pieces: int = 3, size: tuple[int, int] = (4, 12), extra: float = 1.0
) -> tuple[nx.Graph, set[tuple[int, int]]]:
    """Random 2-edge-connected weighted pieces joined in a random tree of planted bridges.

    Each piece is a random spanning tree closed into a cycle-rich graph: a Hamiltonian
    cycle on its nodes (so no edge inside a piece is a bridge) plus about ``extra * size``
    random chords.  Conductances are log-uniform in ``[0.1, 10]``.  Pieces are joined by
    ``pieces - 1`` bridges attached to random nodes, which are then the only bridges.
    """
    G = nx.Graph()
    start = 0
    members = []
    for _ in range(pieces):
        s = int(rng.integers(size[0], size[1] + 1))
        nodes = start + rng.permutation(s)
        for a, b in zip(nodes, np.roll(nodes, 1)):
            G.add_edge(int(a), int(b))
        for _ in range(int(extra * s)):
            a, b = rng.choice(nodes, 2, replace=False)
            G.add_edge(int(a), int(b))
        members.append(nodes)
        start += s
    bridges = set()
    for i in range(1, pieces):
        j = int(rng.integers(0, i))
        a, b = int(rng.choice(members[j])), int(rng.choice(members[i]))
        G.add_edge(a, b)
        bridges.add((min(a, b), max(a, b)))
    for u, v in G.edges:
        G[u][v]["weight"] = float(10 ** rng.uniform(-1, 1))
    return G, bridges


def planted_bridge_communities(
    rng: np.random.Generator, communities: int = 20, size: int = 100, degree: float = 12.0
) -> tuple[nx.Graph, set[tuple[int, int]]]:
    """Unweighted communities joined in a random tree of planted bridges (large-graph family).

    Each community of ``size`` nodes is a Hamiltonian cycle on its nodes (so no edge inside it
    is a bridge) plus random chords up to a mean degree of about ``degree``.  Community ``i > 0``
    is joined to a uniformly chosen earlier community by one edge between random members; those
    ``communities - 1`` edges are then exactly the bridges of the graph.  Nodes are ``0 .. n-1``.
    """
    if communities < 1 or size < 3:
        raise ValueError(f"need at least one community of at least 3 nodes, got {communities} x {size}.")
    if not 2.0 <= degree < size - 1:
        raise ValueError(f"the mean degree must lie in [2, size - 1), got {degree!r}.")
    G = nx.Graph()
    chords = int(round((degree - 2.0) * size / 2))
    for c in range(communities):
        nodes = c * size + rng.permutation(size)
        G.add_edges_from(zip(nodes.tolist(), np.roll(nodes, 1).tolist()))
        pairs = rng.integers(0, size, (chords, 2))
        pairs = pairs[pairs[:, 0] != pairs[:, 1]] + c * size
        G.add_edges_from(map(tuple, pairs.tolist()))
    bridges = set()
    for c in range(1, communities):
        j = int(rng.integers(0, c))
        a, b = int(j * size + rng.integers(size)), int(c * size + rng.integers(size))
        G.add_edge(a, b)
        bridges.add((min(a, b), max(a, b)))
    return G, bridges


def erdos_renyi_edges(n: int, m: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``m`` uniformly random node pairs on ``n`` nodes, self-loops dropped (a G(n, m) multigraph)."""
    t = rng.integers(0, n, m)
    h = rng.integers(0, n, m)
    keep = t != h
    return t[keep], h[keep]


def grid_edges(side: int) -> tuple[int, np.ndarray, np.ndarray]:
    """The ``side x side`` grid graph as an edge list."""
    idx = np.arange(side * side).reshape(side, side)
    t = np.concatenate([idx[:, :-1].ravel(), idx[:-1, :].ravel()])
    h = np.concatenate([idx[:, 1:].ravel(), idx[1:, :].ravel()])
    return side * side, t, h
