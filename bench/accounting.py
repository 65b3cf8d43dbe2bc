"""Where the CPU of a run went, by kind of process, from a BSD process-accounting file (Debian's acct package).

    touch /tmp/pacct && accton /tmp/pacct && make test; accton off
    .venv/bin/python bench/accounting.py /tmp/pacct --label "make test" [--output bench/results/accounting.json]

Each process ended during the run is one record (command name, pid, parent pid, CPU). A module process on the
controller is a Python process started through a shell by an ansible-playbook worker (the local connection runs
`/bin/sh -c '<python> && sleep 0'`); a module on a web host is a Python process inside a container
(under runc); the rest is counted by command name. Figures, not asserts.
"""

import argparse
import collections
import json
import subprocess
import sys

ANSIBLE = "ansible-playboo"  # command names are cut at 15 characters
CLOCK_TICKS = 100  # dump-acct prints CPU in clock ticks


def records(path):
    """(command, pid, ppid, cpu seconds) of each process in the file, via dump-acct."""
    dumped = subprocess.run(["/usr/sbin/dump-acct", path], capture_output=True, text=True, check=True).stdout
    for line in dumped.splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) < 11 or fields[1] != "v3":
            continue
        cpu = (float(fields[2]) + float(fields[3])) / CLOCK_TICKS
        yield fields[0], int(fields[9]), int(fields[10]), cpu


def kind_of(command, pid, parents, commands):
    """The kind of the process `pid`: module on the controller, module on a web host, or its command's name."""
    parent = parents.get(pid)
    if command.startswith("python"):
        shell = parent
        while commands.get(shell) == "sh":  # `/bin/sh -c '/bin/sh -c "<python> && sleep 0"'`
            shell = parents.get(shell)
        if shell != parent and commands.get(shell) == ANSIBLE:
            return "module process on the controller"
        ancestor, seen = parent, 0
        while ancestor in parents and seen < 20:
            if commands.get(ancestor, "").startswith(("runc", "containerd-shim", "systemd")):
                return "python in a container (modules on the web hosts)"
            ancestor, seen = parents[ancestor], seen + 1
        return "other python (pytest, emulators, probers, async jobs)"
    if command == ANSIBLE:
        return "ansible-playbook (controllers and task workers)"
    return command


def account(path):
    rows = list(records(path))
    parents = {pid: ppid for _command, pid, ppid, _seconds in rows}
    commands = {pid: command for command, pid, _ppid, _seconds in rows}
    count, cpu = collections.Counter(), collections.Counter()
    for command, pid, _ppid, seconds in rows:
        kind = kind_of(command, pid, parents, commands)
        count[kind] += 1
        cpu[kind] += seconds
    kinds = sorted(cpu, key=cpu.get, reverse=True)
    return {kind: {"processes": count[kind], "cpu_seconds": round(cpu[kind], 1)} for kind in kinds}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pacct")
    parser.add_argument("--label", default="")
    parser.add_argument("--output")
    arguments = parser.parse_args()
    kinds = account(arguments.pacct)
    total = sum(entry["cpu_seconds"] for entry in kinds.values())
    print(f"{arguments.label}: {total:.0f} CPU-s in {sum(e['processes'] for e in kinds.values())} processes")
    for kind, entry in list(kinds.items())[:15]:
        print(f"  {entry['cpu_seconds']:8.1f} CPU-s  {entry['processes']:7d}  {kind}")
    if arguments.output:
        result = {"label": arguments.label, "cpu_seconds": round(total, 1), "kinds": kinds}
        with open(arguments.output, "w") as output:
            json.dump(result, output, indent=1)
            output.write("\n")


if __name__ == "__main__":
    sys.exit(main())
