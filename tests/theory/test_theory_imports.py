"""``theory`` is pure maths: importing it must not pull in networkx, torch or matplotlib."""

import pkgutil
import subprocess
import sys

import theory


def test_theory_imports_only_numpy_scipy_sympy():
    modules = [f"theory.{m.name}" for m in pkgutil.iter_modules(theory.__path__)]
    assert modules, "no theory modules found"
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "bad = sorted({n.split('.')[0] for n in sys.modules} & {'networkx', 'torch', 'matplotlib', 'reproduce'})\n"
        + "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"theory imports {out.stdout.strip()}"
