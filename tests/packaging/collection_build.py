"""What the packaging tests share: where the tree and the venv's commands are, and running a command."""

import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BIN = pathlib.Path(sys.executable).parent


def run(command, **kwargs):
    """A command that must succeed; its output is shown when it does not."""
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False, **kwargs)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-5000:]}\n{result.stderr[-5000:]}"
    return result
