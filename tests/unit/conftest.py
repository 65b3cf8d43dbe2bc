"""Unit tests import the collection as ansible_collections.ha_web.alicloud (make setup links it there)."""

import pathlib
import sys

COLLECTIONS = pathlib.Path(__file__).resolve().parents[2] / ".venv" / "collections"
if COLLECTIONS.is_dir() and str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
