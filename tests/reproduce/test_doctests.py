"""Run the docstring examples of every ``reproduce`` module.

pytest's ``--doctest-modules`` covers ``theory/``; ``reproduce/`` holds ``__main__`` modules
that must not be imported blindly, so its modules are walked here instead.
"""

import doctest
import importlib
import pkgutil

import pytest

import reproduce

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(reproduce.__path__, prefix="reproduce.") if not m.name.endswith("__main__")
)


def test_modules_were_found():
    assert "reproduce.results" in MODULES and "reproduce.myopia.protocol" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert outcome.failed == 0, f"{outcome.failed} failing example(s) in {name}"
