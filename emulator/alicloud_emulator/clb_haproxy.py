"""The CLB data plane: one HAProxy process serves every load balancer of the emulator.

- Each internet load balancer gets a loopback address of its own (`--lb-addresses`, default
  127.0.0.10-127.0.0.250) as its Address; each running HTTP listener of an active load balancer is a
  frontend bound to `<Address>:<ListenerPort>` with a backend of the load balancer's servers (the
  instances' private IPs on BackendServerPort, with their weights: weight 0 takes no new requests).
- A running HTTPS listener terminates TLS on `<Address>:<ListenerPort>` with its server certificate (certificate
  and key written to `<state-dir>/haproxy/certificates/<ServerCertificateId>.pem`, the file the `bind ... crt`
  reads) and its TLSCipherPolicy as the TLS versions and ciphers it allows (TLS_POLICIES); its backends are HTTP
  on BackendServerPort, health checked as an HTTP listener's. A running HTTP listener with ListenerForward=on
  answers every request with a 302 to `https://<host>[:ForwardPort]<uri>` and has no backend.
- Health checks as the listener sets them: HEAD or GET of HealthCheckURI (Host: HealthCheckDomain),
  every HealthCheckInterval seconds, HealthCheckTimeout per check, HealthyThreshold -> rise,
  UnhealthyThreshold -> fall, HealthCheckHttpCode -> the accepted status classes. No retry and no
  redispatch: a request sent to a backend that fails, fails, as it does on a real CLB.
- Every change renders the whole configuration from the API state, checks it (`haproxy -c`) and
  reloads the master process (SIGUSR2, master-worker mode): the old worker finishes its connections, and
  the servers' health states carry over (server-state-file), so a reload does not bring a dead backend
  back. Renders and reloads happen on one thread, the newest configuration winning. A reload is done when a
  new worker answers with the new frontends (the signal is sent again if none came); a configuration that
  failed to apply is tried again a second later, one that `haproxy -c` refused only after the next change.
- A checked server new to its listener (added, or its listener started) gets nothing before its checks
  pass, as on a CLB: HAProxy 2.6 starts a new server UP (it refuses the newer `init-state`), so the server-state
  file loaded at the reload also holds, for each checked server the running HAProxy does not have, the
  state of a server never checked: DOWN (`srv_op_state` 0), check health 0, check status INI. It then
  needs HealthyThreshold passed checks, about HealthyThreshold x HealthCheckInterval. A listener without
  health checks has nothing to wait for: its servers serve at once.
- `health()` reads HAProxy's own view (`show stat` on its admin socket) for DescribeHealthStatus: not
  checked yet -> unavailable, DOWN -> abnormal (also while a new server passes its first checks), UP -> normal.
  A server the running HAProxy does not have (its configuration not applied yet: a reload takes seconds on a
  loaded machine; or the admin socket not answering) is unavailable too: HAProxy sends it nothing, so it is never
  reported normal before HAProxy serves it.
"""

import contextlib
import csv
import io
import ipaddress
import os
import signal
import socket
import subprocess
import threading
import time

DEFAULT_ADDRESSES = "127.0.0.10-127.0.0.250"
SCHEDULERS = {"wrr": "roundrobin", "rr": "roundrobin", "wlc": "leastconn"}
SERVING_LISTENER = ("running", "starting")
# TLSCipherPolicy -> the `bind` options: the TLS versions of the policy, and for the strict ones the ciphers
# (ECDHE key exchange with AES-GCM only). HAProxy's own defaults otherwise.
STRICT_CIPHERS = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:" + (
    "ECDHE-RSA-AES256-GCM-SHA384"
)
TLS_POLICIES = {
    "tls_cipher_policy_1_0": "ssl-min-ver TLSv1.0 ssl-max-ver TLSv1.2",
    "tls_cipher_policy_1_1": "ssl-min-ver TLSv1.1 ssl-max-ver TLSv1.2",
    "tls_cipher_policy_1_2": "ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2",
    "tls_cipher_policy_1_2_strict": f"ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.2 ciphers {STRICT_CIPHERS}",
    "tls_cipher_policy_1_2_strict_with_1_3": f"ssl-min-ver TLSv1.2 ssl-max-ver TLSv1.3 ciphers {STRICT_CIPHERS}",
}
START_TIMEOUT = 10.0
RELOAD_ATTEMPTS = 3
RETRY_DELAY = 1.0  # seconds before a configuration that failed to apply is tried again


class ConfigurationRefused(RuntimeError):
    """`haproxy -c` refused the rendered configuration: applying it again would be refused again."""


def parse_address_range(text):
    """'127.0.0.10-127.0.0.250' -> the list of addresses; every one must be a loopback address."""
    try:
        first, last = (ipaddress.ip_address(part.strip()) for part in text.split("-", 1))
    except ValueError:
        raise ValueError(f"--lb-addresses {text!r}: expected FIRST-LAST, e.g. {DEFAULT_ADDRESSES}") from None
    if not (first.is_loopback and last.is_loopback) or last < first:
        raise ValueError(f"--lb-addresses {text!r}: a range of loopback addresses, e.g. {DEFAULT_ADDRESSES}")
    return [str(ipaddress.ip_address(n)) for n in range(int(first), int(last) + 1)]


def section_name(lb_id, port):
    return f"clb_{lb_id}_{port}"


def _expect_status(codes):
    """'http_2xx,http_3xx' -> an HAProxy status regex."""
    classes = sorted({code.strip()[5] for code in codes.split(",") if code.strip().startswith("http_")})
    return "^[" + "".join(classes or ["2"]) + "][0-9][0-9]$"


def _health_check_lines(listener):
    if listener.get("HealthCheck") != "on":
        return []
    method = "GET" if listener.get("HealthCheckMethod") == "get" else "HEAD"
    send = f"http-check send meth {method} uri {listener.get('HealthCheckURI') or '/'} ver HTTP/1.1"
    domain = listener.get("HealthCheckDomain")
    send += f" hdr Host {domain}" if domain else " hdr Host health-check.local"
    interval_ms = int(listener.get("HealthCheckInterval") or 2) * 1000
    # A CLB starts a check every interval whatever the last one is doing; HAProxy starts the next check
    # `inter` after the last one ended. A check is given at most one interval (the connect timeout of a
    # check is min(timeout connect, inter)), and once checks fail, the next comes `fastinter` later, so that
    # a backend that stopped answering is checked about once per interval, as the CLB would.
    timeout_ms = min(int(listener.get("HealthCheckTimeout") or 5) * 1000, interval_ms)
    fastinter_ms = max(200, interval_ms - timeout_ms)
    return [
        "    option httpchk",
        f"    {send}",
        f"    http-check expect rstatus {_expect_status(listener.get('HealthCheckHttpCode') or 'http_2xx')}",
        f"    timeout check {timeout_ms}ms",
        f"    default-server inter {interval_ms}ms fastinter {fastinter_ms}ms downinter {interval_ms}ms"
        f" fall {int(listener.get('UnhealthyThreshold') or 3)}"
        f" rise {_rise(int(listener.get('HealthyThreshold') or 3), interval_ms, fastinter_ms)}",
    ]


def _rise(healthy, interval_ms, fastinter_ms):
    """HAProxy's rise for HealthyThreshold checks of a CLB, one per interval.

    A server going UP is checked every `fastinter` too, and a passed check ends at once: HealthyThreshold
    passed checks would take a fraction of an interval. So every check after the first counts for
    fastinter/interval of a CLB check: the server is UP about (HealthyThreshold - 1) intervals after its
    first passed check, as on a CLB. A failed check still sets it back to no passed check at all.
    """
    return 1 + (healthy - 1) * max(1, round(interval_ms / fastinter_ms))


def certificate_path(paths, certificate_id):
    return os.path.join(paths["certificates"], f"{certificate_id}.pem")


def served_listeners(store):
    """(load balancer, listener) of every listener HAProxy serves: running, of an active load balancer."""
    for lb in store.all("load_balancer"):
        if lb.get("LoadBalancerStatus") != "active":
            continue
        for listener in store.find("listener", LoadBalancerId=lb["LoadBalancerId"]):
            if listener.get("Status") in SERVING_LISTENER and listener.get("ListenerProtocol") in ("http", "https"):
                yield lb, listener


def certificate_files(store, paths):
    """{path: PEM certificate and key} of the certificates the served HTTPS listeners present."""
    files = {}
    for _lb, listener in served_listeners(store):
        certificate = store.get("server_certificate", listener.get("ServerCertificateId") or "")
        if listener["ListenerProtocol"] == "https" and certificate is not None:
            pem = certificate["_certificate"].strip() + "\n" + certificate["_private_key"].strip() + "\n"
            files[certificate_path(paths, listener["ServerCertificateId"])] = pem
    return files


def render(store, paths):
    """The whole HAProxy configuration for the load balancers in `store` (called under the store's lock)."""
    lines = [
        "# Rendered by the alicloud emulator from its API state; every change rewrites it.",
        "global",
        "    master-worker",
        f"    stats socket {paths['socket']} mode 600 level admin",
        f"    server-state-file {paths['server_state']}",
        "defaults",
        "    mode http",
        "    timeout connect 5s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    retries 0",
        "    load-server-state-from-file global",
    ]
    for lb, listener in served_listeners(store):
        if listener.get("ListenerForward") == "on":
            lines += _redirect_lines(lb, listener)
        elif listener["ListenerProtocol"] == "http" or store.get("server_certificate", listener["ServerCertificateId"]):
            lines += _listener_lines(store, lb, listener, paths)
    return "\n".join(lines) + "\n"


def _redirect_lines(lb, listener):
    """An HTTP listener forwarding to HTTPS: a 302 to the same host and URI on ForwardPort."""
    port = int(listener["ForwardPort"])
    suffix = "" if port == 443 else f":{port}"
    return [
        f"frontend {section_name(lb['LoadBalancerId'], listener['ListenerPort'])}",
        f"    bind {lb['Address']}:{listener['ListenerPort']}",
        f"    http-request redirect code 302 location https://%[req.hdr(host),field(1,:)]{suffix}%[capture.req.uri]",
    ]


def _bind(lb, listener, paths):
    bind = f"    bind {lb['Address']}:{listener['ListenerPort']}"
    if listener["ListenerProtocol"] != "https":
        return bind
    policy = TLS_POLICIES.get(listener.get("TLSCipherPolicy"), TLS_POLICIES["tls_cipher_policy_1_0"])
    alpn = " alpn h2,http/1.1" if listener.get("EnableHttp2", "on") == "on" else " alpn http/1.1"
    return f"{bind} ssl crt {certificate_path(paths, listener['ServerCertificateId'])} {policy}{alpn}"


def _listener_lines(store, lb, listener, paths):
    name = section_name(lb["LoadBalancerId"], listener["ListenerPort"])
    lines = [f"frontend {name}", _bind(lb, listener, paths), f"    default_backend {name}"]
    if listener.get("XForwardedFor", "on") == "on":
        lines.append("    option forwardfor")
    lines += [f"backend {name}", f"    balance {SCHEDULERS.get(listener.get('Scheduler'), 'roundrobin')}"]
    lines += _health_check_lines(listener)
    check = " check" if listener.get("HealthCheck") == "on" else ""
    port = listener.get("HealthCheckConnectPort")
    check_port = f" port {port}" if check and port else ""
    for backend in lb.get("_backends", []):
        instance = store.get("instance", backend["ServerId"])
        if instance is None or not instance.get("_private_ip"):
            continue
        lines.append(
            f"    server {backend['ServerId']} {instance['_private_ip']}:{listener['BackendServerPort']}"
            f" weight {int(backend.get('Weight', 100))}{check}{check_port}"
        )
    return lines


# `show servers state` format 1: one line per server, its fields in this order (HAProxy 2.6 reads at least
# the first 20). A new server's line: DOWN (op state 0), check status INI (1), check result unknown (0), check
# health 0, checks configured and enabled (6); be_id and srv_id are not read from a global state file.
SERVER_STATE_HEADER = (
    "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight"
    " srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state"
    " srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port"
    " srv_check_addr srv_agent_addr srv_agent_port\n"
)
NEW_SERVER_STATE = "0 {backend} 0 {server} {address} 0 0 {weight} {weight} 0 1 0 0 6 0 0 0 - {port} - 0 0 - - 0\n"


def checked_servers(text):
    """(backend, server, address, port, weight) of every server with health checks in configuration `text`."""
    backend = None
    for line in text.splitlines():
        words = line.split()
        if words[:1] == ["backend"]:
            backend = words[1]
        elif words[:1] == ["server"] and "check" in words:
            address, port = words[2].rsplit(":", 1)
            yield backend, words[1], address, port, words[words.index("weight") + 1]


def server_state(current, text):
    """The server-state file to load with configuration `text`, from `current` (the running HAProxy's
    `show servers state`, "" when none runs), for the checked servers of `text`: the state HAProxy has of
    each, or for one it does not have, DOWN and never checked, so that it gets nothing before its checks
    pass. A server without checks has no line: it is UP, as its configuration says."""
    known = {}
    for line in current.splitlines(keepends=True)[1:]:
        if line.strip() and not line.startswith("#"):
            fields = line.split()
            known[fields[1], fields[3]] = line
    lines = [
        known.get((backend, server))
        or NEW_SERVER_STATE.format(backend=backend, server=server, address=address, port=port, weight=weight)
        for backend, server, address, port, weight in checked_servers(text)
    ]
    return SERVER_STATE_HEADER + "".join(lines)


class HaproxyClb:
    """Owns the HAProxy process of one emulator (files under `<state-dir>/haproxy/`)."""

    def __init__(self, state_dir, addresses=DEFAULT_ADDRESSES, log=print):
        self.directory = os.path.join(os.path.realpath(state_dir), "haproxy")
        self.paths = {
            "config": os.path.join(self.directory, "haproxy.cfg"),
            "pid": os.path.join(self.directory, "haproxy.pid"),
            "socket": os.path.join(self.directory, "admin.sock"),
            "server_state": os.path.join(self.directory, "server-state"),
            "certificates": os.path.join(self.directory, "certificates"),
        }
        self.addresses = parse_address_range(addresses)
        self.log = log
        self.condition = threading.Condition()
        self.wanted = None  # the newest rendered configuration not yet applied
        self.applied = None
        self.applying = False
        self.closed = False
        self.thread = threading.Thread(target=self._loop, name="haproxy", daemon=True)
        self.thread.start()

    # called by the runtime under the store's lock ---------------------------------------------
    def allocate_address(self, store):
        used = {lb.get("Address") for lb in store.all("load_balancer")}
        for address in self.addresses:
            if address not in used:
                return address
        raise RuntimeError(f"no free load balancer address left in {self.addresses[0]}-{self.addresses[-1]}")

    def update(self, store):
        """Render from the API state; the worker thread applies it."""
        wanted = (render(store, self.paths), certificate_files(store, self.paths))
        with self.condition:
            self.wanted = wanted
            self.condition.notify()

    def health(self, lb_id, port, server_id):
        """normal / abnormal / unavailable from HAProxy's checks; unavailable when HAProxy does not have the server."""
        row = self.stats().get((section_name(lb_id, port), server_id))
        if row is None:
            return "unavailable"  # not in the running configuration (yet): it gets no request
        status, check = row.get("status", ""), row.get("check_status", "").lstrip("* ")  # "* ": in progress
        if check in ("", "INI"):
            return "unavailable"  # no check has answered yet
        if status.startswith("DOWN") or status == "NOLB":
            return "abnormal"
        if status.startswith(("UP", "DRAIN")):
            return "normal"
        return "unavailable"

    def wait_applied(self, timeout=10.0):
        """Until the newest configuration is live (for tests and benchmarks)."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while self.wanted is not None or self.applying:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.condition.wait(left)
        return True

    # HAProxy ----------------------------------------------------------------------------------
    def stats(self):
        answer = self._command("show stat")
        if not answer.startswith("# "):
            return {}
        rows = csv.DictReader(io.StringIO(answer[2:]))
        return {(row["pxname"], row["svname"]): row for row in rows}

    def _command(self, command):
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
                client.settimeout(2.0)
                client.connect(self.paths["socket"])
                client.sendall(command.encode() + b"\n")
                chunks = []
                while True:
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    chunks.append(chunk)
        except OSError:
            return ""
        return b"".join(chunks).decode(errors="replace")

    def master_pid(self):
        try:
            with open(self.paths["pid"]) as handle:
                pid = int(handle.read().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        return pid

    def _loop(self):
        while True:
            with self.condition:
                while self.wanted is None and not self.closed:
                    self.condition.wait()
                if self.closed:
                    return
                wanted, self.wanted = self.wanted, None
                self.applying = True
            try:
                if wanted != self.applied or self.master_pid() is None:
                    self._apply(*wanted)
                    self.applied = wanted
            except (RuntimeError, OSError) as error:
                self.log(f"haproxy: {error}")
                if not isinstance(error, ConfigurationRefused):  # refused stays refused until the API state changes
                    self._retry_later(wanted)
            finally:
                with self.condition:
                    self.applying = False
                    self.condition.notify_all()

    def _retry_later(self, wanted):
        """A configuration that failed to apply is tried again, unless a newer one came meanwhile."""
        time.sleep(RETRY_DELAY)
        with self.condition:
            if self.wanted is None and not self.closed:
                self.wanted = wanted

    def _write_certificates(self, files):
        """The certificate files the configuration reads, written before it is checked; the others removed."""
        os.makedirs(self.paths["certificates"], mode=0o700, exist_ok=True)
        for path, pem in files.items():
            fd = os.open(path + ".new", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(pem)
            os.replace(path + ".new", path)
        for name in os.listdir(self.paths["certificates"]):
            path = os.path.join(self.paths["certificates"], name)
            if path not in files:
                with contextlib.suppress(OSError):
                    os.remove(path)

    def _apply(self, text, certificates):
        os.makedirs(self.directory, exist_ok=True)
        self._write_certificates(certificates)
        candidate = self.paths["config"] + ".new"
        with open(candidate, "w") as handle:
            handle.write(text)
        checked = _haproxy("-c", "-q", "-f", candidate)
        if checked.returncode != 0:
            raise ConfigurationRefused(f"configuration refused, kept the previous one: {checked.stderr.strip()}")
        pid = self.master_pid()
        current = self._servers_state() if pid is not None else ""
        with open(self.paths["server_state"], "w") as handle:
            handle.write(server_state(current, text))
        os.replace(candidate, self.paths["config"])
        if pid is None:
            started = _haproxy("-W", "-D", "-p", self.paths["pid"], "-f", self.paths["config"])
            if started.returncode != 0:
                raise RuntimeError(f"could not start: {started.stderr.strip()}")
            return
        self._reload(pid, text)

    def _reload(self, master, text):
        """SIGUSR2 to the master: it re-reads the configuration, starts a new worker, and the old one drains. Done
        when a new worker answers with the new frontends; a signal that got no new worker (sent while the master
        was still re-executing itself for the last one) is sent again, and past RELOAD_ATTEMPTS it is an error."""
        before = self._worker_pid()
        for _attempt in range(RELOAD_ATTEMPTS):
            os.kill(master, signal.SIGUSR2)
            if self._wait_reloaded(text, before):
                return
        raise RuntimeError(f"no new worker with the new configuration after {RELOAD_ATTEMPTS} reloads")

    def _worker_pid(self):
        """The pid of the worker answering on the admin socket (`show info`), None when none answers."""
        for line in self._command("show info").splitlines():
            if line.startswith("Pid:"):
                return int(line.split(":", 1)[1])
        return None

    def _servers_state(self):
        """`show servers state` of the running HAProxy; without it, no reload (its servers would all look new)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            state = self._command("show servers state")
            if state.startswith("1\n"):
                return state
            time.sleep(0.05)
        raise RuntimeError("could not read the servers' state, kept the previous configuration")

    def _wait_reloaded(self, text, old_worker):
        """True once a worker other than `old_worker` answers with the frontends of `text`; False after a while."""
        wanted = {line.split()[1] for line in text.splitlines() if line.startswith("frontend ")}
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            worker = self._worker_pid()
            if worker is not None and worker != old_worker:
                live = {name for name, server in self.stats() if server == "FRONTEND"}
                if live == wanted:
                    return True
            time.sleep(0.05)
        return False

    def close(self, remove=False):
        """Stop the worker thread; with `remove`, stop HAProxy and remove its files."""
        with self.condition:
            self.closed = True
            self.condition.notify_all()
        self.thread.join(timeout=5)
        if remove:
            stop_haproxy(self.directory)


def stop_haproxy(directory):
    """Stop the HAProxy whose files are in `directory` (if it runs) and remove the files."""
    pid_file = os.path.join(directory, "haproxy.pid")
    try:
        with open(pid_file) as handle:
            pid = int(handle.read().split()[0])
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)
    except (OSError, ValueError, IndexError):
        pass
    for name in ("haproxy.cfg", "haproxy.cfg.new", "haproxy.pid", "admin.sock", "server-state"):
        with contextlib.suppress(OSError):
            os.remove(os.path.join(directory, name))
    certificates = os.path.join(directory, "certificates")
    with contextlib.suppress(OSError):
        for name in os.listdir(certificates):
            os.remove(os.path.join(certificates, name))
        os.rmdir(certificates)
    with contextlib.suppress(OSError):
        os.rmdir(directory)


def _haproxy(*args):
    try:
        return subprocess.run(  # noqa: S603 - arguments we built
            ["haproxy", *args],  # noqa: S607 - haproxy from PATH (Debian package, installed by make setup)
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise RuntimeError(f"haproxy {' '.join(args[:1])}: {error}") from None
