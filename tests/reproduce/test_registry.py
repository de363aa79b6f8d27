"""The registry lists every claim module of the package, and only those."""

import importlib
import pkgutil
import re

import reproduce
from reproduce.claims import registered
from reproduce.registry import CLAIM_MODULES, all_claims, in_paper_order


def _modules_that_register() -> set[str]:
    found = set()
    for info in pkgutil.walk_packages(reproduce.__path__, prefix="reproduce."):
        spec = importlib.util.find_spec(info.name)
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue
        with open(spec.origin, encoding="utf-8") as f:
            if re.search(r"^(\w+ = )?register\(", f.read(), flags=re.MULTILINE):  # a module-level registration
                found.add(info.name)
    return found


def test_claim_modules_are_the_modules_that_register_claims():
    assert set(CLAIM_MODULES) == _modules_that_register()
    assert len(CLAIM_MODULES) == len(set(CLAIM_MODULES))


def test_every_registered_claim_comes_from_a_listed_module():
    claims = all_claims()
    assert {c.id for c in claims} == set(registered())
    assert {c.measure.__module__ for c in claims} <= set(CLAIM_MODULES)


PACKAGE_OF_PREFIX = {"spectral": "reproduce.spectral_bias", "myopia": "reproduce.myopia", "bridge": "reproduce.bridge"}


def test_one_claim_per_module_named_after_its_id():
    claims = all_claims()
    modules = [c.measure.__module__ for c in claims]
    assert len(modules) == len(set(modules)), "a module registers more than one claim"
    for claim in claims:
        prefix, name = claim.id.split(".", 1)
        assert claim.measure.__module__ == f"{PACKAGE_OF_PREFIX[prefix]}.{name}", claim.id


def test_in_paper_order_follows_claim_modules():
    ordered = in_paper_order(reversed(all_claims()))
    assert [c.module for c in ordered] == list(CLAIM_MODULES)
    assert ordered[0].paper == "spectral" and ordered[-1].paper == "bridge"
