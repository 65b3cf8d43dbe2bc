"""requirements.txt names every package the plugins import, as ranges that hold the versions tested."""

import ast
import importlib.metadata
import sys

from collection_build import ROOT
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

OWN = {"ansible", "ansible_collections", "__future__"}


def _requirements(relative):
    lines = (ROOT / relative).read_text(encoding="utf-8").splitlines()
    return [
        Requirement(line.split("#", 1)[0])
        for line in lines
        if line.split("#", 1)[0].strip() and not line.startswith("-")
    ]


def _imported_literals(node):
    """The names of importlib.import_module("a.literal.name") and clients._import_sdk("a.name", "another.name")."""
    name = getattr(node.func, "attr", getattr(node.func, "id", "")) if isinstance(node, ast.Call) else ""
    if name not in ("import_module", "_import_sdk"):
        return []
    return [arg.value for arg in node.args if isinstance(arg, ast.Constant)]


def _imported_top_levels():
    """Top-level modules imported by plugins/ (not in an `except` branch): import statements,
    importlib.import_module("...") and clients._import_sdk("...") with literal names, and the product SDK packages
    that module_utils/clients.py imports by name."""
    names = set()
    for path in (ROOT / "plugins").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        handlers = [n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler)]
        fallbacks = {id(inner) for handler in handlers for inner in ast.walk(handler)}
        for node in ast.walk(tree):
            if id(node) in fallbacks:  # `except ImportError:` alternatives (Python 2 names)
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module)
            elif literals := _imported_literals(node):
                names.update(literals)
            elif isinstance(node, ast.Assign) and [getattr(t, "id", "") for t in node.targets] == ["PRODUCTS"]:
                names.update(package for package, _version in ast.literal_eval(node.value).values())
    top = {name.split(".", 1)[0] for name in names}
    return {name for name in top if name not in sys.stdlib_module_names and name not in OWN}


def test_every_imported_package_is_required():
    distributions = importlib.metadata.packages_distributions()
    required = {canonicalize_name(r.name) for r in _requirements("requirements.txt")}
    imported = _imported_top_levels()
    assert {"alibabacloud_credentials", "alibabacloud_tea_openapi", "darabonba", "alibabacloud_ecs20140526"} <= imported
    for module in sorted(imported):
        owners = {canonicalize_name(d) for d in distributions[module]}
        assert owners & required, f"{module} (from {sorted(owners)}) is imported but not in requirements.txt"


def test_ranges_hold_the_tested_versions_and_pin_nothing():
    tested = {canonicalize_name(r.name): r.specifier for r in _requirements("requirements/runtime.txt")}
    for requirement in _requirements("requirements.txt"):
        assert requirement.specifier, f"{requirement.name}: give the lowest version tested"
        assert not [s for s in requirement.specifier if s.operator in ("==", "===", "<", "<=", "~=")], requirement
        name = canonicalize_name(requirement.name)
        assert name != "ansible-core", "an execution environment brings its own ansible-core"
        installed = importlib.metadata.version(name)
        assert requirement.specifier.contains(installed), f"{name} {installed} is outside {requirement.specifier}"
        if name in tested:
            (pin,) = tested[name]
            assert requirement.specifier.contains(pin.version), f"{name}: the pinned {pin.version} is outside"
