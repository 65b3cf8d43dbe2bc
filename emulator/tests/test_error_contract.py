"""The error-code contract: every code group the collection's modules match (`is_code`) is answered by the emulator.

The emulator's answers are read from its error tables (`products/*_errors.py` and the gateway errors in
`errors.py`); the modules' expectations from `plugins/` (the `is_code(...)` and `create_or_adopt(...)` calls, with
the code tuples they name).
A module may list several codes for one case (the real cloud's variants): one of each group must be emulated.
"""

import ast
import importlib
import pkgutil
from pathlib import Path

from alicloud_emulator import errors, products

PLUGINS = Path(__file__).resolve().parents[2] / "plugins"


def emulator_codes():
    codes = {e.code for e in vars(errors).values() if isinstance(e, errors.ApiError)}
    for info in pkgutil.iter_modules(products.__path__):
        if info.name.endswith("_errors"):
            table = importlib.import_module(f"{products.__name__}.{info.name}")
            codes |= {e.code for e in vars(table).values() if isinstance(e, errors.ErrorCode)}
    return codes


def _string_tuples(tree):
    """Module-level `NAME = ("code", ...)` assignments."""
    found = {}
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple):
            values = stmt.value.elts
            if values and all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in values):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        found[target.id] = tuple(v.value for v in values)
    return found


def _names_in(tree):
    """What a plugin file can see at module level: its own code tuples and those it imports from module_utils."""
    names = _string_tuples(tree)
    for stmt in tree.body:
        if isinstance(stmt, ast.ImportFrom) and stmt.module and ".module_utils." in f".{stmt.module}":
            source = PLUGINS / "module_utils" / f"{stmt.module.rsplit('.', 1)[-1]}.py"
            if source.exists():
                theirs = _string_tuples(ast.parse(source.read_text()))
                names.update({a.asname or a.name: theirs[a.name] for a in stmt.names if a.name in theirs})
    return names


def _codes_of(node, names):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Starred):
        return _codes_of(node.value, names)
    if isinstance(node, ast.Name):
        return list(names.get(node.id, ()))
    if isinstance(node, ast.BinOp):
        return _codes_of(node.left, names) + _codes_of(node.right, names)
    return []


def _matched(call):
    """The code arguments of `is_code(error, *codes)` and `create_or_adopt(create, look_again, adopt, codes)`."""
    name = getattr(call.func, "id", None)
    if name == "is_code":
        return call.args[1:]
    if name == "create_or_adopt":
        return call.args[3:4] + [k.value for k in call.keywords if k.arg == "codes"]
    return []


def module_code_groups():
    """(file:line, codes) for every `is_code(...)` and `create_or_adopt(...)` call in plugins/."""
    groups = []
    for path in sorted(PLUGINS.rglob("*.py")):
        tree = ast.parse(path.read_text())
        names = _names_in(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                codes = [code for arg in _matched(node) for code in _codes_of(arg, names)]
                if codes:
                    groups.append((f"{path.relative_to(PLUGINS)}:{node.lineno}", codes))
    return groups


def answered(wanted, codes):
    """`is_code`'s matching: a code ending in `.*` stands for its whole family."""
    if wanted.endswith(".*"):
        return any(code == wanted[:-2] or code.startswith(wanted[:-1]) for code in codes)
    return wanted in codes


def test_every_code_group_the_modules_match_is_answered_by_the_emulator():
    codes = emulator_codes()
    groups = module_code_groups()
    assert len(groups) >= 20  # the reading found the modules' calls (a parse that finds none would pass vacuously)
    unanswered = [(where, wanted) for where, wanted in groups if not any(answered(c, codes) for c in wanted)]
    assert unanswered == []


def test_the_tables_are_read():
    codes = emulator_codes()
    assert {"InvalidVpcId.NotFound", "InvalidLoadBalancerId.NotFound", "InvalidFileSystem.NotFound"} <= codes
    assert "Throttling.User" in codes  # errors.py's gateway constants count too
