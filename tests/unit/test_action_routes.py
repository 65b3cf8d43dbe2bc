"""Every module runs inside the task's worker through its own action plugin (plugins/plugin_utils/in_controller.py):
a module added without plugins/action/<module>.py would silently run as a process of its own, so this checks that
each one has it, routed through InControllerAction, preloading only products the collection knows."""

import importlib
import pathlib
import sys

import pytest
from ansible_collections.ha_web.alicloud.plugins.module_utils import clients
from ansible_collections.ha_web.alicloud.plugins.plugin_utils import in_controller

ROOT = pathlib.Path(__file__).resolve().parents[2]
COLLECTION = "ansible_collections.ha_web.alicloud"


def _names(directory):
    return sorted(p.stem for p in (ROOT / "plugins" / directory).glob("*.py") if p.stem != "__init__")


MODULES = _names("modules")
# Modules whose action plugin is not InControllerAction: job_status is ansible.builtin.async_status's action, with its
# module run in the worker (it has no code of its own to preload).
OWN_ACTIONS = ["job_status"]
# Modules that run on the web hosts the roles configure: ordinary module execution (there an in-controller action
# could only fall back).
HOST_MODULES = ["path_info"]


def test_the_collection_has_modules_to_route():
    assert "vpc" in MODULES and "http_probe" in MODULES


def test_no_action_plugin_without_its_module():
    assert sorted(set(_names("action")) - set(MODULES)) == []


def test_a_host_module_has_no_action_plugin():
    assert [name for name in HOST_MODULES if name in _names("action")] == []


@pytest.mark.parametrize("name", [name for name in MODULES if name not in OWN_ACTIONS + HOST_MODULES])
def test_every_module_has_an_action_plugin_running_it_in_the_worker(name, monkeypatch):
    assert (ROOT / "plugins" / "action" / (name + ".py")).is_file(), "plugins/action/%s.py is missing" % name
    action_name = "%s.plugins.action.%s" % (COLLECTION, name)
    preloaded = []
    real_preload = in_controller.preload

    def recording_preload(action_module_name, products):
        preloaded.append((action_module_name, tuple(products)))
        if set(products) <= set(clients.PRODUCTS):  # else the assertion below says which
            real_preload(action_module_name, products)  # imports the module's code: it must be importable

    monkeypatch.setattr(in_controller, "preload", recording_preload)
    monkeypatch.delitem(sys.modules, action_name, raising=False)  # its import is what calls preload
    action = importlib.import_module(action_name)

    assert issubclass(action.ActionModule, in_controller.InControllerAction)
    assert len(preloaded) == 1, "the action plugin must call preload(__name__, products=...) once"
    (called_with, products) = preloaded[0]
    assert called_with == action_name
    assert set(products) <= set(clients.PRODUCTS), "unknown products: %s" % (set(products) - set(clients.PRODUCTS))
    assert "%s.plugins.modules.%s" % (COLLECTION, name) in sys.modules


def test_job_status_is_async_status_with_its_module_in_the_worker():
    from ansible.plugins.action.async_status import ActionModule as AsyncStatusAction

    action = importlib.import_module(COLLECTION + ".plugins.action.job_status")
    assert issubclass(action.ActionModule, AsyncStatusAction)
    assert in_controller.module_fqn(action.ASYNC_STATUS) == "ansible.modules.async_status"


def test_module_fqn_names_the_module_s_python_module():
    assert in_controller.module_fqn("ha_web.alicloud.vpc") == COLLECTION + ".plugins.modules.vpc"
    assert in_controller.module_fqn("ha_web.alicloud.clb_backend_servers") == (
        COLLECTION + ".plugins.modules.clb_backend_servers"
    )
    with pytest.raises(ValueError):
        in_controller.module_fqn("vpc")  # a task's resolved_action is always a full name
