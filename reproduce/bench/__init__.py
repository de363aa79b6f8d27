"""Benchmarks: each prints the issue's performance targets as ratios against a baseline
run in the same process.  ``python -m reproduce.bench`` runs them all."""
