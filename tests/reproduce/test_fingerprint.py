"""Tests of reproduce.fingerprint: the static import closure and the code fingerprint of a claim."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import reproduce.fingerprint as fp
from reproduce.paths import REPO_ROOT


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A throw-away checkout with packages ``theory`` and ``reproduce``; caches cleared around it."""

    def write(name: str, text: str = "") -> None:
        path = tmp_path.joinpath(*name.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)

    write("theory/__init__.py")
    write("theory/a.py", "import numpy as np\n")
    write("theory/b.py", "X = 1\n")
    write("theory/unused.py", "Y = 2\n")
    write("reproduce/__init__.py")
    write("reproduce/helpers/__init__.py", "from .tools import tool\n")
    write("reproduce/helpers/tools.py", "from ..base import thing\n\ndef tool():\n    return thing\n")
    write("reproduce/base.py", "thing = 1\n")
    write(
        "reproduce/claimx.py",
        "from theory.a import np\nfrom reproduce import helpers\n\n"
        "def lazy():\n    import theory.b\n    return theory.b.X\n",
    )
    monkeypatch.setattr(fp, "_ROOT", tmp_path)
    for cached in (fp._locate, fp.import_closure, fp.closure_digests, fp.code_fingerprint):
        cached.cache_clear()
    yield write
    for cached in (fp._locate, fp.import_closure, fp.closure_digests, fp.code_fingerprint):
        cached.cache_clear()


def _fresh(module: str) -> str:
    for cached in (fp.import_closure, fp.closure_digests, fp.code_fingerprint):
        cached.cache_clear()
    return fp.code_fingerprint(module)


def test_closure_follows_absolute_relative_lazy_and_parent_imports(tree):
    assert fp.import_closure("reproduce.claimx") == (
        "reproduce",
        "reproduce.base",
        "reproduce.claimx",
        "reproduce.helpers",
        "reproduce.helpers.tools",
        "theory",
        "theory.a",
        "theory.b",
    )


def test_fingerprint_changes_with_the_closure_and_only_with_it(tree):
    before = fp.code_fingerprint("reproduce.claimx")
    tree("theory/unused.py", "Y = 3\n")
    assert _fresh("reproduce.claimx") == before
    tree("theory/b.py", "X = 2\n")  # reached only through a lazy import inside a function
    changed = _fresh("reproduce.claimx")
    assert changed != before
    tree("reproduce/base.py", "thing = 2  # reached through a relative import of a package __init__\n")
    assert _fresh("reproduce.claimx") != changed


def test_fingerprint_covers_library_versions(tree, monkeypatch):
    before = fp.code_fingerprint("reproduce.claimx")
    monkeypatch.setattr(fp, "_library_versions", lambda: {"numpy": "0.0", "scipy": None, "torch": None})
    assert _fresh("reproduce.claimx") != before


def test_closure_digests_name_each_module(tree):
    digests = fp.closure_digests("reproduce.claimx")
    assert set(digests) == set(fp.import_closure("reproduce.claimx"))
    assert all(len(d) == 64 for d in digests.values())


def test_bad_names():
    with pytest.raises(TypeError, match="str"):
        fp.import_closure(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="no Python source"):
        fp.code_fingerprint("theory.no_such_module")


@pytest.mark.parametrize(
    "module",
    ["reproduce.myopia.reff_bridge", "reproduce.myopia.trained_lemma3_1", "reproduce.spectral_bias.gaussian_mlp"],
)
def test_static_closure_contains_every_module_an_import_really_executes(module):
    """Independent reference: import the claim module in a fresh interpreter and list sys.modules."""
    code = (
        "import importlib, json, sys\n"
        f"importlib.import_module({module!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('theory', 'reproduce'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    executed = set(json.loads(done.stdout))
    assert module in executed
    assert executed <= set(fp.import_closure(module)), executed - set(fp.import_closure(module))


def test_every_claim_has_a_fingerprint_that_covers_its_own_module():
    from reproduce.registry import all_claims

    for claim in all_claims():
        closure = fp.import_closure(claim.module)
        assert claim.module in closure and "reproduce.claims" in closure
        assert "reproduce.registry" not in closure  # adding a claim must not stale every other claim
        assert len(fp.code_fingerprint(claim.module)) == 64


def test_each_module_is_parsed_once_per_process():
    from reproduce import fingerprint

    fingerprint.import_closure.cache_clear()
    fingerprint._imports.cache_clear()
    fingerprint.import_closure("reproduce.myopia.table1_barbell")
    fingerprint.import_closure("reproduce.myopia.table2_chain")  # shares most of its closure
    info = fingerprint._imports.cache_info()
    assert info.hits > 0 and info.misses == len(
        set(fingerprint.import_closure("reproduce.myopia.table1_barbell"))
        | set(fingerprint.import_closure("reproduce.myopia.table2_chain"))
    )
