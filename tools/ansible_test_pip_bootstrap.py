"""Stand-in for the pip bootstrap script that ansible-test downloads before it builds a virtual environment.

ansible-test fetches `get-pip-<version>.py` from ci-files.testing.ansible.com, which machines limited to
PyPI and Debian's mirror cannot reach. ansible-test looks for a cached copy first
(~/.ansible/test/cache/get_pip_<version>.py) and runs it in the new environment with the packages it
wants as arguments (e.g. `--disable-pip-version-check pip==24.2 setuptools wheel`). This stand-in gets
pip from the standard library (`ensurepip`) and then lets pip install exactly those packages from PyPI.
`make sanity` copies it into that cache.
"""

import subprocess
import sys


def main():
    subprocess.run([sys.executable, "-m", "ensurepip", "--default-pip"], check=True, stdout=subprocess.DEVNULL)
    arguments = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", *arguments], check=True)


if __name__ == "__main__":
    main()
