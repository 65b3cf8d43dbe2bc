"""in_process.run_module: a module run in this process answers as its own process would (rc, stdout, stderr) and
leaves the process as it found it (environment, cwd, sys.argv, warnings, locks), so that the next loop item or
retry in the same task worker starts clean.

The collection's real modules are run where no network is needed (127.0.0.1 only); what no real module does on
purpose (crash, sys.exit with a message, hold a lock and crash) is done by small fake modules written to a
temporary directory on sys.path under test-only names, never into plugins/."""

import http.server
import json
import os
import sys
import textwrap
import threading

import pytest
from ansible.module_utils import _internal, basic
from ansible.module_utils.common import warnings
from ansible_collections.ha_web.alicloud.plugins.module_utils import locks
from ansible_collections.ha_web.alicloud.plugins.plugin_utils import in_process
from ansible_collections.ha_web.alicloud.tests.unit.lock_probe import lock_is_free
from ansible_collections.ha_web.alicloud.tests.unit.module_args import WITH_INVOCATION

MODULES = "ansible_collections.ha_web.alicloud.plugins.modules."


def _result(stdout):
    """The module's JSON result: what it printed is that and nothing else."""
    return json.loads(stdout)


@pytest.fixture
def fake_module(tmp_path, monkeypatch):
    """fake_module(source) -> the name of a module with that code, importable under a test-only name."""
    directory = tmp_path / "fake_modules"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    written = []

    def write(source):
        name = "ha_web_test_fake_module_%d" % len(written)
        (directory / (name + ".py")).write_text(textwrap.dedent(source), encoding="utf-8")
        written.append(name)
        return name

    yield write
    for name in written:
        sys.modules.pop(name, None)


@pytest.fixture
def lock_directory(tmp_path, monkeypatch):
    path = tmp_path / "locks"
    monkeypatch.setattr(locks, "LOCK_DIRECTORY", str(path))
    return path


@pytest.fixture
def web_server():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("X-Backend-Server", "web-1")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d/" % httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


# (a) the collection's modules: their result as their process would print it ----------------------------------------
def test_a_module_that_succeeds_exits_0_with_its_result_on_stdout(web_server):
    rc, stdout, stderr = in_process.run_module(
        MODULES + "http_probe", {"url": web_server, "rate": 20, "duration": 0.3, "timeout": 1, **WITH_INVOCATION}, {}
    )
    assert (rc, stderr) == (0, "")
    result = _result(stdout)
    assert result["changed"] is False and "failed" not in result
    assert result["requests"] >= 1 and result["failures"] == 0
    assert result["backends"] == {"web-1": result["requests"]}
    assert result["invocation"]["module_args"]["url"] == web_server


def test_a_module_failing_its_own_validation_exits_1_naming_the_field():
    """vpc checks its options before any request: a bad cidr_block fails with no cloud call."""
    rc, stdout, stderr = in_process.run_module(MODULES + "vpc", {"name": "web", "cidr_block": "nope"}, {})
    assert (rc, stderr) == (1, "")
    result = _result(stdout)
    assert result["failed"] is True
    assert result["msg"].startswith("cidr_block: 'nope' is not a CIDR block")


def test_a_module_failing_ansible_core_argument_validation_exits_1():
    rc, stdout = in_process.run_module(MODULES + "http_probe", {"url": "http://127.0.0.1:1/"}, {})[:2]
    assert rc == 1
    result = _result(stdout)
    assert result["failed"] is True and "duration" in result["msg"]


# (b) the task's environment, the working directory and sys.argv ------------------------------------------------
def test_the_task_environment_reaches_the_module_and_is_gone_afterwards(monkeypatch):
    """The region comes from ALIBABA_CLOUD_REGION_ID, set only in the task's environment."""
    monkeypatch.delenv("ALIBABA_CLOUD_REGION_ID", raising=False)
    monkeypatch.delenv("ALICLOUD_REGION", raising=False)
    before = dict(os.environ)
    arguments = {"name": "web", "cidr_block": "nope", **WITH_INVOCATION}
    rc, stdout = in_process.run_module(MODULES + "vpc", arguments, {"ALIBABA_CLOUD_REGION_ID": "xx-task-1"})[:2]
    assert rc == 1
    assert _result(stdout)["invocation"]["module_args"]["region_id"] == "xx-task-1"
    assert dict(os.environ) == before
    rc, stdout = in_process.run_module(MODULES + "vpc", arguments, {})[:2]
    assert _result(stdout)["invocation"]["module_args"]["region_id"] is None


ENVIRONMENT_AND_STATE = """
    import os, sys
    from ansible.module_utils.basic import AnsibleModule

    def main():
        module = AnsibleModule(argument_spec=dict(directory=dict(type="str")))
        seen = {k: os.environ.get(k) for k in ("HA_WEB_TEST_TASK", "HA_WEB_TEST_OVERRIDDEN", "HA_WEB_TEST_KEPT")}
        os.environ["HA_WEB_TEST_SET_BY_MODULE"] = "1"
        os.environ.pop("HA_WEB_TEST_KEPT")
        os.chdir(module.params["directory"])
        sys.argv.append("left-by-the-module")
        module.exit_json(changed=False, seen=seen, cwd=os.getcwd())

    if __name__ == "__main__":
        main()
"""


def test_environment_cwd_and_argv_are_put_back_whatever_the_module_changed(fake_module, tmp_path, monkeypatch):
    name = fake_module(ENVIRONMENT_AND_STATE)
    monkeypatch.setenv("HA_WEB_TEST_OVERRIDDEN", "process")
    monkeypatch.setenv("HA_WEB_TEST_KEPT", "process")
    monkeypatch.delenv("HA_WEB_TEST_TASK", raising=False)
    environment, cwd, argv, arguments = dict(os.environ), os.getcwd(), list(sys.argv), basic._ANSIBLE_ARGS
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    rc, stdout, stderr = in_process.run_module(
        name, {"directory": str(elsewhere)}, {"HA_WEB_TEST_TASK": 1, "HA_WEB_TEST_OVERRIDDEN": "task"}
    )

    assert (rc, stderr) == (0, "")
    result = _result(stdout)
    assert result["seen"] == {"HA_WEB_TEST_TASK": "1", "HA_WEB_TEST_OVERRIDDEN": "task", "HA_WEB_TEST_KEPT": "process"}
    assert result["cwd"] == str(elsewhere)
    assert dict(os.environ) == environment
    assert os.getcwd() == cwd
    assert sys.argv == argv
    assert arguments == basic._ANSIBLE_ARGS  # None in a test: nothing set it before


# (c) warnings and deprecations --------------------------------------------------------------------------------
WARNS = """
    from ansible.module_utils.basic import AnsibleModule

    def main():
        module = AnsibleModule(argument_spec=dict(warn=dict(type="bool", default=False)))
        if module.params["warn"]:
            module.warn("the first run's warning")
            module.deprecate("the first run's deprecation", version="99.0.0", collection_name="ha_web.alicloud")
        module.exit_json(changed=False)

    if __name__ == "__main__":
        main()
"""


# ansible.module_utils._internal.is_controller: False in a module's own process, where module.warn() and
# deprecate() keep what they are given for the module's result (the globals in_process clears before and after each
# run); True in ansible-playbook and its task workers (ansible-core 2.19), where they give it to Display, which the
# task executor captures into the task's result (DeferredWarningContext, per loop item). Both are tested; the
# flag is set because another test may already have imported the controller's code into this process.
@pytest.fixture
def module_process(monkeypatch):
    monkeypatch.setattr(_internal, "is_controller", False)


def test_a_run_s_warnings_and_deprecations_do_not_reach_the_next_run(fake_module, module_process):
    name = fake_module(WARNS)
    first = _result(in_process.run_module(name, {"warn": True}, {})[1])
    assert "the first run's warning" in json.dumps(first["warnings"])
    assert "the first run's deprecation" in json.dumps(first["deprecations"])
    assert not warnings._global_warnings and not warnings._global_deprecations

    second = _result(in_process.run_module(name, {"warn": False}, {})[1])
    assert "the first run's" not in json.dumps(second)
    assert not second.get("warnings") and not second.get("deprecations")


def test_ansible_core_s_warning_about_a_module_option_is_not_repeated_in_the_next_run(module_process):
    """vpc given both `name` and its alias `vpc_name`: ansible-core warns; the next vpc run has no warning."""
    both = {"name": "web", "vpc_name": "web", "cidr_block": "nope"}
    first = _result(in_process.run_module(MODULES + "vpc", both, {})[1])
    assert "Both option name and its alias vpc_name are set" in json.dumps(first["warnings"])
    second = _result(in_process.run_module(MODULES + "vpc", {"name": "web", "cidr_block": "nope"}, {})[1])
    assert second["failed"] is True and not second.get("warnings")


def test_in_the_task_worker_a_warning_goes_to_display_once(fake_module, monkeypatch):
    display = pytest.importorskip("ansible.utils.display")
    shown = []
    monkeypatch.setattr(_internal, "is_controller", True)
    monkeypatch.setattr(display.Display, "warning", lambda self, msg, **kwargs: shown.append(msg))
    name = fake_module(WARNS)
    first = _result(in_process.run_module(name, {"warn": True}, {})[1])
    second = _result(in_process.run_module(name, {"warn": False}, {})[1])
    assert [msg for msg in shown if "run's" in msg] == ["the first run's warning"]
    assert "the first run's" not in json.dumps(first) + json.dumps(second)


# (d) locks ----------------------------------------------------------------------------------------------------
HOLDS_A_LOCK = """
    from ansible_collections.ha_web.alicloud.plugins.module_utils import locks
    from ansible_collections.ha_web.alicloud.plugins.module_utils.module import AlicloudModule
    from ansible_collections.ha_web.alicloud.tests.unit.lock_probe import lock_is_free

    def main():
        module = AlicloudModule(argument_spec=dict(name=dict(type="str"), end=dict(type="str")))
        locks.hold_resource_lock(module, "vpc", module.params["name"])
        path = locks.lock_path(None, module.region_id, "vpc", [module.params["name"]])
        if module.params["end"] == "raise":
            raise RuntimeError("the module broke while holding its lock")
        if module.params["end"] == "fail":
            module.fail("failed while holding its lock", held=not lock_is_free(path))
        module.exit_info(held=not lock_is_free(path))

    if __name__ == "__main__":
        main()
"""


@pytest.mark.parametrize("end, rc", [("exit", 0), ("fail", 1), ("raise", 1)])
def test_a_lock_held_by_the_module_is_released_when_run_module_returns(fake_module, lock_directory, end, rc):
    name = fake_module(HOLDS_A_LOCK)
    arguments = {"name": "web", "end": end, "region_id": "cn-hangzhou"}
    result = in_process.run_module(name, arguments, {})
    assert result[0] == rc, result
    if end != "raise":
        assert _result(result[1])["held"] is True  # the module did hold it while it ran
    assert locks._held == []
    assert lock_is_free(locks.lock_path(None, "cn-hangzhou", "vpc", ["web"]))


def test_the_next_run_in_the_same_process_gets_the_same_lock(fake_module, lock_directory):
    """A loop's second item on the same resource: without the release it would wait for ever on itself."""
    name = fake_module(HOLDS_A_LOCK)
    arguments = {"name": "web", "end": "exit", "region_id": "cn-hangzhou"}
    assert in_process.run_module(name, arguments, {})[0] == 0
    answers = []
    second = threading.Thread(target=lambda: answers.append(in_process.run_module(name, arguments, {})), daemon=True)
    second.start()
    second.join(timeout=10)
    assert not second.is_alive(), "the second run waits for the lock of the first"
    assert answers[0][0] == 0


# (e) how a module can end --------------------------------------------------------------------------------------
EXITS = """
    import sys
    from ansible.module_utils.basic import AnsibleModule

    def main():
        module = AnsibleModule(argument_spec=dict(end=dict(type="raw")))
        end = module.params["end"]
        if end == "raise":
            raise ValueError("the module's own bug")
        if end == "return":
            return
        sys.exit(end)

    if __name__ == "__main__":
        main()
"""


def test_sys_exit_with_a_message_gives_rc_1_and_the_message_on_stderr(fake_module):
    rc, stdout, stderr = in_process.run_module(fake_module(EXITS), {"end": "no answer from the metadata service"}, {})
    assert (rc, stdout, stderr) == (1, "", "no answer from the metadata service\n")


@pytest.mark.parametrize("code, rc", [(0, 0), (3, 3), (None, 0)])
def test_sys_exit_with_a_number_gives_that_status(fake_module, code, rc):
    assert in_process.run_module(fake_module(EXITS), {"end": code}, {}) == (rc, "", "")


def test_an_unhandled_exception_gives_ansiballz_s_failed_result(fake_module):
    rc, stdout, stderr = in_process.run_module(fake_module(EXITS), {"end": "raise"}, {})
    assert (rc, stderr) == (1, "")
    result = _result(stdout)
    assert result["failed"] is True
    assert "the module's own bug" in json.dumps(result["exception"])


def test_a_module_that_does_not_exit_fails_as_under_ansiballz(fake_module):
    rc, stdout = in_process.run_module(fake_module(EXITS), {"end": "return"}, {})[:2]
    assert rc == 1
    assert "did not handle its own exit" in json.dumps(_result(stdout)["exception"])
