"""End to end: every registered claim runs at the quick preset, twice, into a scratch root."""

import io
import json

from reproduce.claims import VERDICTS, all_claims
from reproduce.paths import result_path
from reproduce.runner import run


def test_quick_preset_runs_every_claim_reproducibly(tmp_path):
    claims = all_claims()
    assert claims, "no claims are registered"
    log = io.StringIO()
    first = run(claims, "quick", root=tmp_path, progress=log)
    errors = [f"{r.claim_id}:\n{r.error}" for r in first if r.status == "error"]
    assert not errors, "\n".join(errors)
    measured = {}
    for claim in claims:
        result = json.loads(result_path(tmp_path, "quick", claim.id).read_text())
        assert result["verdict"] in VERDICTS, claim.id
        missing = [f for f in result["figures"] if not (tmp_path / f).is_file()]
        assert not missing, f"{claim.id}: missing figures {missing}"
        measured[claim.id] = result["measured"]

    second = run(claims, "quick", root=tmp_path, force=True, progress=log)
    assert [r.status for r in second] == ["computed"] * len(claims), log.getvalue()
    for claim in claims:
        if claim.deterministic:
            again = json.loads(result_path(tmp_path, "quick", claim.id).read_text())["measured"]
            assert again == measured[claim.id], f"{claim.id}: same seed, different values"
