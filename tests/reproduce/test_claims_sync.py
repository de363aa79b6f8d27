"""The committed record, its figures and paper_claims.md are sound and agree with the code.

Fails, naming the claims and the command that fixes them, when a recorded result is stale (the
code it runs has changed since it was recorded), when re-judging a stored measurement gives
another verdict or reason (a result edited by hand), when a stored configuration is not the
claim's, when a result was recorded from uncommitted code, when a figure is missing, unreadable
or drawn from another file, or when paper_claims.md is not the rendering of the record and
reproduce/discussion.md. Fix with ``python -m reproduce.all --record --only <ids>`` (from a
clean tree) or ``python -m reproduce.checklist``, and commit.
"""

from reproduce.checklist import check_sync
from reproduce.paths import REPO_ROOT


def test_record_figures_and_checklist_are_sound_and_in_sync():
    problems = check_sync(REPO_ROOT)
    assert problems == [], "out of sync:\n" + "\n".join(f"- {p}" for p in problems)
