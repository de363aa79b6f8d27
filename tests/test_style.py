"""The repository passes its linter and formatter (ruff, configured in ``pyproject.toml``).

Part of the test command, so CI fails on a lint error or an unformatted file.  Fix with
``ruff check --fix . && ruff format .``.
"""

import subprocess
import sys

import pytest

from reproduce.paths import REPO_ROOT


@pytest.mark.parametrize(
    "command", [["check", "--no-cache"], ["format", "--check", "--no-cache"]], ids=["lint", "format"]
)
def test_ruff_is_clean(command):
    done = subprocess.run([sys.executable, "-m", "ruff", *command, "."], cwd=REPO_ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"ruff {' '.join(command)} found problems:\n{done.stdout}{done.stderr}"
