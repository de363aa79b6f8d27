"""``python -m reproduce.bench``: run every benchmark (effective resistance, spectral bias, graph diffusion, denoisers,
planning and dispatch; the from-scratch timing of ``reproduce.bench.dispatch`` takes an hour and is run on its own)."""

from reproduce.bench import denoisers, dispatch, graph_diffusion, resistance, spectral

code = resistance.main()
print()
code = code or spectral.main([])
print()
code = code or graph_diffusion.main([])
print()
code = code or denoisers.main([])
print()
raise SystemExit(code or dispatch.main([]))
