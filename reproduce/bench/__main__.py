"""``python -m reproduce.bench``: run every benchmark (effective resistance, then spectral bias)."""

from reproduce.bench import resistance, spectral

code = resistance.main()
print()
raise SystemExit(code or spectral.main([]))
