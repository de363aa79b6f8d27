"""The committed results, figures and paper_claims.md agree with the registered claims.

Fails when a claim's configuration changed without rerunning it, when a figure is older
than its result, when the table was edited by hand, or when a claim has no discussion.
Fix with ``make reproduce`` (or ``python -m reproduce.all --only <id>``) and commit.
"""

from reproduce.checklist import check_sync
from reproduce.paths import REPO_ROOT


def test_results_figures_and_checklist_are_in_sync():
    problems = check_sync(REPO_ROOT)
    assert problems == [], "out of sync:\n" + "\n".join(f"- {p}" for p in problems)
