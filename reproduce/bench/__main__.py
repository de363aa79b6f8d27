"""``python -m reproduce.bench``: run every benchmark (effective resistance, spectral bias, graph diffusion, denoisers)."""

from reproduce.bench import denoisers, graph_diffusion, resistance, spectral

code = resistance.main()
print()
code = code or spectral.main([])
print()
code = code or graph_diffusion.main([])
print()
raise SystemExit(code or denoisers.main([]))
