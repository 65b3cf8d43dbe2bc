"""The PRIVATE_FIELDS tables of the product modules against the code.

Every private field a product stores on a new resource is in its kind's table and every table entry is stored;
every private field the emulator reads or writes by name (`r["_x"]`, `r.get("_x")`, `store.find(..., _x=...)`) is
either one of the store's own (store.COMMON_FIELDS) or in a table.
"""

import ast
import importlib
import pkgutil
from pathlib import Path

from alicloud_emulator import products
from alicloud_emulator.store import COMMON_FIELDS

PACKAGE = Path(products.__file__).resolve().parents[1]


def documented():
    """{kind: fields} from every product module's PRIVATE_FIELDS."""
    found = {}
    for info in pkgutil.iter_modules(products.__path__):
        module = importlib.import_module(f"{products.__name__}.{info.name}")
        for kind, fields in getattr(module, "PRIVATE_FIELDS", {}).items():
            assert kind not in found, f"{kind} has two tables"
            assert all(meaning.strip() for meaning in fields.values())
            found[kind] = set(fields)
    return found


def _private(value):
    return isinstance(value, str) and value.startswith("_")


def stored():
    """{kind: private fields} of the dict written by each `store.add("kind", id, {...})` in products/."""
    found = {}
    for path in (PACKAGE / "products").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "add"
                and len(node.args) >= 3
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[2], ast.Dict)
            ):
                keys = {k.value for k in node.args[2].keys if isinstance(k, ast.Constant) and _private(k.value)}
                found.setdefault(node.args[0].value, set()).update(keys - set(COMMON_FIELDS))
    return found


def used():
    """(file:line, field) for every private field named in the emulator's code."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE)
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                names = [node.slice.value]
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "get" and node.args and isinstance(node.args[0], ast.Constant):
                    names = [node.args[0].value]
                elif node.func.attr == "find":
                    names = [k.arg for k in node.keywords]
            found += [(f"{where}:{node.lineno}", name) for name in names if _private(name)]
    return found


def test_each_kind_stores_the_private_fields_its_table_lists():
    tables, written = documented(), stored()
    kinds = {kind for kind, fields in written.items() if fields} | set(tables)
    assert {"instance", "load_balancer", "listener"} <= kinds
    assert {kind: tables.get(kind, set()) for kind in kinds} == {kind: written.get(kind, set()) for kind in kinds}


def test_every_private_field_the_code_names_is_documented():
    known = set(COMMON_FIELDS).union(*documented().values())
    names = used()
    assert any(where.startswith("clb_haproxy.py") and name == "_private_ip" for where, name in names)
    assert [(where, name) for where, name in names if name not in known] == []
