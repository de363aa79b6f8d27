"""``python -m reproduce.bench``: run every benchmark (effective resistance, spectral bias, graph diffusion)."""

from reproduce.bench import graph_diffusion, resistance, spectral

code = resistance.main()
print()
code = code or spectral.main([])
print()
raise SystemExit(code or graph_diffusion.main([]))
