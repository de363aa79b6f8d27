"""Code fingerprints: which source a claim executes, hashed, so a stale result cannot pass.

A claim's result depends on its configuration and seed (:func:`reproduce.results.config_hash`)
and on the *code* that measures it.  :func:`code_fingerprint` covers the code: the SHA-256 of
the source of the claim's module and of every module of this package's own top-level packages
(``theory`` and ``reproduce``) in its import closure, together with the versions of the numerical
libraries whose kernels produce the numbers (numpy, scipy, torch).

The closure is found statically, by reading ``import`` statements with :mod:`ast` — at module
level *and* inside functions, so a lazy import counts as well — and resolving relative imports.
Importing ``a.b.c`` executes ``a/__init__.py`` and ``a/b/__init__.py`` first, so every parent
package is part of the closure; ``from pkg import name`` adds ``pkg.name`` when that is a module.
Nothing is imported or executed, so the fingerprint of a claim costs a few milliseconds and can
be checked by the test suite for every claim.

Examples
--------
>>> closure = import_closure("reproduce.fingerprint")
>>> "reproduce" in closure and "reproduce.fingerprint" in closure
True
>>> len(code_fingerprint("reproduce.fingerprint"))
64
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
from pathlib import Path

__all__ = [
    "FINGERPRINT_LIBRARIES",
    "OWN_PACKAGES",
    "closure_digests",
    "code_fingerprint",
    "import_closure",
    "module_source",
]

OWN_PACKAGES = ("theory", "reproduce")
"""Top-level packages whose source enters a fingerprint."""

FINGERPRINT_LIBRARIES = ("numpy", "scipy", "torch")
"""Libraries whose installed version enters a fingerprint (their kernels make the numbers)."""

_ROOT = Path(__file__).resolve().parent.parent


def _own(name: str) -> bool:
    return name.split(".", 1)[0] in OWN_PACKAGES


@functools.cache
def _locate(module: str) -> Path | None:
    """The source file of a module (``__init__.py`` for a package), or None.

    Our own modules are looked up in this checkout without importing anything; any other
    module (a claim defined outside the package, as in the tests) through its import spec.
    """
    if not _own(module):
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError):
            return None
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        return origin if origin is not None and origin.suffix == ".py" and origin.is_file() else None
    parts = module.split(".")
    base = _ROOT.joinpath(*parts)
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def module_source(module: str) -> bytes:
    """The source bytes of ``module``.

    Raises
    ------
    TypeError
        If ``module`` is not a str.
    ValueError
        If ``module`` has no Python source file.
    """
    if not isinstance(module, str):
        raise TypeError(f"module must be a dotted name (str), got {type(module).__name__}.")
    path = _locate(module)
    if path is None:
        raise ValueError(f"module {module!r} has no Python source file to fingerprint.")
    return path.read_bytes()


def _parents(module: str) -> list[str]:
    if not _own(module):
        return []
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


@functools.cache
def _imports(module: str) -> frozenset[str]:
    """Our modules named by the import statements of ``module`` (and their parent packages).

    Parsed once per process: the closures of all claims share most of their modules."""
    path = _locate(module)
    assert path is not None
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    tree = ast.parse(path.read_bytes(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                if node.level > 1:
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    own = {name for name in found if _own(name)}
    return frozenset(name for name in own | {p for name in own for p in _parents(name)} if _locate(name) is not None)


@functools.cache
def import_closure(module: str) -> tuple[str, ...]:
    """``module`` and every module of ``theory``/``reproduce`` that importing it may execute, sorted.

    Includes ``module``'s parent packages (when it is one of ours).

    Raises
    ------
    ValueError
        If ``module`` has no Python source file.
    """
    module_source(module)  # validates the name
    seen: set[str] = set()
    todo = [module, *_parents(module)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo.extend(_imports(name) - seen)
    return tuple(sorted(seen))


@functools.cache
def _library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in FINGERPRINT_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


@functools.cache
def closure_digests(module: str) -> dict[str, str]:
    """``{name: SHA-256 of its source}`` for every module of :func:`import_closure` (says *what* changed)."""
    return {name: hashlib.sha256(module_source(name)).hexdigest() for name in import_closure(module)}


@functools.cache
def code_fingerprint(module: str) -> str:
    """SHA-256 hex digest of the code ``module`` executes (see the module docstring).

    The digest covers :func:`closure_digests` (each module's name and source digest) and the
    installed versions of :data:`FINGERPRINT_LIBRARIES`.  It is cached per process: source
    edits made while a process runs are not seen by it.
    """
    payload = {"modules": closure_digests(module), "libraries": _library_versions()}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
