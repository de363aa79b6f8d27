"""``python -m reproduce.bench``: run every benchmark (currently the effective-resistance one)."""

from reproduce.bench.resistance import main

raise SystemExit(main())
