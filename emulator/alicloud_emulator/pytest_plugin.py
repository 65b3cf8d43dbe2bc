"""pytest fixtures: `emulator` is a running emulator, reset before each test.

Use with `pytest_plugins = ["alicloud_emulator.pytest_plugin"]` in a conftest.py.
"""

import pytest

from .faults import Faults
from .testing import InProcessEmulator, ResponseChecker
from .timing import Timing


@pytest.fixture(scope="session")
def emulator_server(tmp_path_factory):
    server = InProcessEmulator(
        state_dir=str(tmp_path_factory.mktemp("emulator-state")), timing=Timing("instant"), faults=Faults()
    )
    yield server
    server.close()


@pytest.fixture
def emulator(emulator_server):
    """The session's emulator with no resources, no faults, zeroed counts and the `instant` timing.

    Every answer given during the test must load into the SDK's response model with no field the model
    does not know (a misspelt field would silently vanish on the client side).
    """
    emulator_server.admin.reset()
    emulator_server.emulator.timing = Timing("instant")
    checker = ResponseChecker()
    emulator_server.emulator.response_hooks.append(checker)
    yield emulator_server
    emulator_server.emulator.response_hooks.remove(checker)
    emulator_server.admin.reset()
    assert not checker.problems, "answers the SDK models do not match:\n" + "\n".join(checker.problems)
