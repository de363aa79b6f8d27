"""Shared hypothesis strategies and the slow, obvious references the tests compare against.

* :mod:`strategies.graphs` -- graphs valid by construction (connected, with bridges, several
  components, multigraphs, relabelled) and dense-matrix references for effective resistance;
* :mod:`strategies.spectral` -- log-uniform mode variances, times and rates for the
  spectral-bias closed forms.

``tests/`` is on ``sys.path`` (``pythonpath`` in ``pyproject.toml``), so test modules at any
depth import these as ``from strategies.graphs import connected_graphs``.
"""
