"""Run the docstring examples of the runner modules (pytest's testpaths cover only theory/)."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["reproduce.results", "reproduce.checklist", "reproduce.progress"])
def test_docstring_examples(name):
    module = importlib.import_module(name)
    outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert outcome.attempted > 0, f"{name} has no examples"
    assert outcome.failed == 0
