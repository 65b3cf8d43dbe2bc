"""`alicloud-emulator`: serve the emulated Alibaba Cloud, or start/stop it in the background.

alicloud-emulator serve --host 127.0.0.1 --port 18080 --state-dir .emulator --timing fast
alicloud-emulator start ...same options...    (background; returns once it answers)
alicloud-emulator status --state-dir .emulator
alicloud-emulator stop --state-dir .emulator
alicloud-emulator down --state-dir .emulator  (stop, and remove what its runtime created)

--runtime docker --image REF [--image REF2] runs every ECS instance as a systemd container (see docker_runtime.py)
from the local image of its ECS image's release (the first REF when none is of that release); REF is what
tools/build-image.sh [RELEASE] prints.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from .faults import FaultConfig, Faults
from .timing import PROFILES, Timing

PID_FILE = "emulator.pid"
LOG_FILE = "emulator.log"


def _access_key(text):
    key_id, sep, secret = text.partition(":")
    if not sep or not key_id or not secret:
        raise argparse.ArgumentTypeError("use ID:SECRET, e.g. --access-key emulator-ak:emulator-sk")
    return key_id, secret


def _add_server_options(parser):
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: loopback)")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--state-dir", default=".emulator", help="where state, logs and the pid file live")
    parser.add_argument("--timing", choices=sorted(PROFILES), default="fast")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplies every transition time")
    parser.add_argument(
        "--access-key",
        action="append",
        type=_access_key,
        metavar="ID:SECRET",
        help="an accepted key pair (repeatable; default emulator-ak:emulator-sk)",
    )
    parser.add_argument("--region", default="cn-hangzhou", help="region of calls that name none (NAS)")
    parser.add_argument(
        "--runtime",
        choices=("none", "docker"),
        default="none",
        help="what runs the resources: none (API only), docker (instances are systemd containers)",
    )
    parser.add_argument(
        "--image",
        action="append",
        help="with --runtime docker: a local ECS image (tools/build-image.sh [RELEASE] prints it); repeatable, one per "
        "release: an instance runs the one of its image's release, else the first",
    )
    parser.add_argument(
        "--lb-addresses",
        default="127.0.0.10-127.0.0.250",
        help="with --runtime docker: the loopback addresses load balancers get, FIRST-LAST",
    )
    faults = parser.add_argument_group("fault injection (also at run time: POST /_emulator/faults)")
    faults.add_argument("--throttle-rate", type=float, default=0.0)
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of 500/503 answers")
    faults.add_argument("--lost-rate", type=float, default=0.0, help="share of done-but-unanswered requests")
    faults.add_argument("--latency-ms", type=int, default=0)
    faults.add_argument("--consistency-delay", type=float, default=0.0, help="seconds new resources stay hidden")
    faults.add_argument("--retry-after-ms", type=int, default=0)
    faults.add_argument("--fault-scope", default="mutating", help="mutating, all, or Action1,Action2")
    faults.add_argument("--seed", type=int, default=0)


def _health(host, port, timeout=1.0):
    url = f"http://{host}:{port}/_emulator/health"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - loopback URL we built
            return json.load(answer)
    except (OSError, ValueError):
        return None


def _build_runtime(args):
    if args.runtime == "docker":
        from .docker_runtime import DockerRuntime

        if not args.image:
            raise SystemExit("alicloud-emulator: --runtime docker needs --image (tools/build-image.sh prints it)")
        try:
            return DockerRuntime(args.image, args.state_dir, lb_addresses=args.lb_addresses)
        except ValueError as error:
            raise SystemExit(f"alicloud-emulator: {error}") from None
    from .runtime import NullRuntime

    return NullRuntime()


def serve(args):
    from .app import Emulator
    from .server import EmulatorServer

    began = time.monotonic()
    faults = Faults(
        FaultConfig(
            throttle_rate=args.throttle_rate,
            error_rate=args.error_rate,
            lost_rate=args.lost_rate,
            latency_ms=args.latency_ms,
            consistency_delay=args.consistency_delay,
            retry_after_ms=args.retry_after_ms,
            scope=args.fault_scope,
            seed=args.seed,
        )
    )
    try:
        emulator = Emulator(
            state_dir=args.state_dir,
            timing=Timing(args.timing, args.time_scale),
            keys=dict(args.access_key) if args.access_key else None,
            faults=faults,
            runtime=_build_runtime(args),
            default_region=args.region,
        )
    except RuntimeError as error:  # the runtime could not start, e.g. its image is not built
        raise SystemExit(f"alicloud-emulator: {error}") from None
    server = EmulatorServer(emulator, args.host, args.port)

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    ready_ms = (time.monotonic() - began) * 1000
    print(f"alicloud-emulator listening on http://{server.endpoint} (ready in {ready_ms:.0f} ms)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        emulator.runtime.shutdown(remove=False)
        emulator.close()
    return 0


def _read_pid(state_dir):
    try:
        with open(os.path.join(state_dir, PID_FILE), encoding="utf-8") as handle:
            data = json.load(handle)
        os.kill(data["pid"], 0)
        return data
    except (OSError, ValueError, KeyError):
        return None


def start(args):
    running = _read_pid(args.state_dir)
    if running and _health(running["host"], running["port"]):
        print(f"alicloud-emulator already running on http://{running['host']}:{running['port']}")
        return 0
    os.makedirs(args.state_dir, exist_ok=True)
    command = [sys.executable, "-m", "alicloud_emulator", "serve", *args.argv[1:]]
    with open(os.path.join(args.state_dir, LOG_FILE), "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    with open(os.path.join(args.state_dir, PID_FILE), "w", encoding="utf-8") as handle:
        json.dump({"pid": process.pid, "host": args.host, "port": args.port}, handle)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(f"alicloud-emulator exited with {process.returncode}; see {args.state_dir}/{LOG_FILE}")
            return 1
        if _health(args.host, args.port, timeout=0.5):
            print(f"alicloud-emulator running on http://{args.host}:{args.port} (pid {process.pid})")
            return 0
        time.sleep(0.05)
    print("alicloud-emulator did not answer within 30 s")
    return 1


def stop(args):
    running = _read_pid(args.state_dir)
    if not running:
        print("alicloud-emulator is not running")
        return 0
    os.kill(running["pid"], signal.SIGTERM)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(running["pid"], 0)
        except OSError:
            break
        time.sleep(0.05)
    else:
        os.kill(running["pid"], signal.SIGKILL)
    os.unlink(os.path.join(args.state_dir, PID_FILE))
    print(f"alicloud-emulator stopped (pid {running['pid']})")
    return 0


def down(args):
    """Stop the emulator, then remove its HAProxy and the containers and networks labelled with its state directory."""
    from .clb_haproxy import stop_haproxy
    from .docker_runtime import owner_of, remove_owned

    stop(args)
    stop_haproxy(os.path.join(os.path.realpath(args.state_dir), "haproxy"))
    if shutil.which("docker") is None:
        return 0
    try:
        containers, networks = remove_owned(owner_of(args.state_dir))
    except RuntimeError as error:
        print(f"alicloud-emulator down: {error}")
        return 1
    print(f"alicloud-emulator down: removed {containers} container(s) and {networks} network(s)")
    return 0


def status(args):
    running = _read_pid(args.state_dir)
    health = running and _health(running["host"], running["port"])
    if not health:
        print("alicloud-emulator is not running")
        return 3
    print(f"alicloud-emulator running on http://{running['host']}:{running['port']} (pid {running['pid']})")
    print(json.dumps(health, indent=1))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="alicloud-emulator", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("serve", "serve in the foreground"), ("start", "serve in the background")):
        _add_server_options(commands.add_parser(name, help=help_text))
    for name, help_text in (
        ("stop", "stop the background emulator"),
        ("down", "stop it and remove what its runtime created"),
        ("status", "is it running, and how"),
    ):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--state-dir", default=".emulator")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    args.argv = argv
    try:
        Timing(getattr(args, "timing", "fast"), getattr(args, "time_scale", 1.0))
    except ValueError as error:
        parser.error(str(error))
    handler = {"serve": serve, "start": start, "stop": stop, "down": down, "status": status}[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
