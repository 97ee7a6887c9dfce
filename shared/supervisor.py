"""`bapas run`: the whole stack as local processes in one process group.

Embedded Redis (unless REDIS_URL is set), then each service's API (under granian, or gunicorn:
BAPAS_HTTP_SERVER) and its worker. Logs are streamed with a service prefix; a child that dies is
started again; Ctrl-C (or SIGTERM) stops everything, Redis last. Children get
SIGKILL if this process is killed, so a kill -9 leaves nothing holding the ports.
"""
import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from shared import config, embedded_redis
from shared.config import SERVICES, WEB_APPS, service_port
from shared.http_server import die_with_parent as _die_with_parent


def _say(message: str, stream=None) -> None:
    print(f"{'bapas':<18}| {message}", file=stream or sys.stdout, flush=True)


GATHER_SECONDS = 0.02


def _stream(name: str, pipe, out=None, gather: float = GATHER_SECONDS) -> None:
    """Copy a child's output to ours, each line with its name in front. What the pipe holds is taken at
    once and written back in one write, then the copy waits `gather` for more: a line at a time (a read,
    a decode, a write and a flush each) cost this process about 45 µs per line, a line per API request
    (issue 21). A line that comes alone is copied at once; under load lines wait at most `gather` (the
    pipe holds 64 KiB, some 250 lines, so no child blocks on it). Whole lines only, so the children's
    lines never mix; bytes as they came (a line of invalid UTF-8 is passed on)."""
    out = out or sys.stdout.buffer
    prefix, rest = f"{name:<18}| ".encode(), b""
    while chunk := pipe.read1(65536):
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()  # after the last newline: a line not whole yet
        if lines:
            out.write(b"".join(prefix + line + b"\n" for line in lines))
            out.flush()
        time.sleep(gather)
    if rest:  # the child ended without a newline
        out.write(prefix + rest + b"\n")
        out.flush()


def jwt_secret(data_dir: Path, stream=None) -> str:
    configured = config.secret("BAPAS_JWT_SECRET")
    if configured:
        return configured
    path = data_dir / "jwt-secret"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
        _say(f"BAPAS_JWT_SECRET is not set: generated one and kept it in {path}", stream)
    else:
        _say(f"BAPAS_JWT_SECRET is not set: using the one kept in {path}", stream)
    return path.read_text().strip()


class Stack:
    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.env = dict(os.environ)
        self.children: dict[str, subprocess.Popen] = {}
        self.redis = None
        self.stopping = False
        self.admin_password = None

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.env["BAPAS_JWT_SECRET"] = jwt_secret(self.data_dir)
        self.env.setdefault("PYTHONUNBUFFERED", "1")
        if not config.secret("REDIS_URL"):
            port = int(os.environ.get("BAPAS_EMBEDDED_REDIS_PORT", "6390"))
            self.redis = embedded_redis.start(self.data_dir / "redis", port, preexec_fn=_die_with_parent,
                                              stdout=subprocess.PIPE)
            threading.Thread(target=_stream, args=("redis", self.redis.stdout), daemon=True).start()
            self.env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
            self.env.setdefault("BROKER_URL", f"redis://127.0.0.1:{port}/1")
            _say(f"embedded Redis on 127.0.0.1:{port}, AOF in {self.data_dir / 'redis'}")
        self.env.setdefault("BROKER_URL", config.secret("BROKER_URL") or config.secret("REDIS_URL"))
        for service in SERVICES:
            self.env.setdefault(f"{service.upper()}_URL", f"http://127.0.0.1:{service_port(service)}")
        self.admin_password = _first_admin(self.env["REDIS_URL"])
        for service in SERVICES:
            self._spawn(f"{service}-api", ["serve", service])
            self._spawn(f"{service}-worker", ["worker", service])
        for app in WEB_APPS:
            self._spawn(f"{app}-api", ["serve", app])
        self._write_state()

    def _spawn(self, name: str, args: list[str]) -> None:
        process = subprocess.Popen([sys.executable, "-m", "shared.cli", *args], env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        self.children[name] = process
        threading.Thread(target=_stream, args=(name, process.stdout), daemon=True).start()

    def _write_state(self) -> None:
        state = {"pid": os.getpid(), "redis_url": self.env.get("REDIS_URL") or config.secret("REDIS_URL"),
                 "broker_url": self.env["BROKER_URL"],
                 "children": {name: p.pid for name, p in self.children.items()},
                 "redis_pid": self.redis.pid if self.redis else None}
        (self.data_dir / "stack.json").write_text(json.dumps(state, indent=2))

    def wait_ready(self, timeout: float = 60) -> bool:
        deadline = time.monotonic() + timeout
        pending = set(SERVICES)
        while pending and time.monotonic() < deadline:
            for service in list(pending):
                try:
                    if requests.get(f"{self.env[service.upper() + '_URL']}/readyz", timeout=1).status_code == 200:
                        pending.discard(service)
                except requests.RequestException:
                    pass
            time.sleep(0.2)
        return not pending

    def supervise(self) -> None:
        """Restart children that die, until asked to stop."""
        while not self.stopping:
            for name, process in list(self.children.items()):
                if process.poll() is not None and not self.stopping:
                    _say(f"{name} exited with status {process.returncode}; starting it again")
                    service = name.rsplit("-", 1)[0]
                    self._spawn(name, ["serve" if name.endswith("-api") else "worker", service])
                    self._write_state()
            time.sleep(0.5)

    def stop(self) -> None:
        self.stopping = True
        for process in self.children.values():
            if process.poll() is None:
                process.terminate()
        deadline = time.monotonic() + 15
        for process in self.children.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=15)


def _first_admin(redis_url: str) -> str | None:
    """A portal with no account gets `admin`; its password is shown once, in the banner."""
    import redis

    from services.portal.accounts import AccountStore
    from shared import redis_tx
    try:
        return AccountStore(redis_tx.connect(redis_url)).ensure_admin()
    except redis.RedisError as error:  # the stack still starts; `bapas user add` makes an account later
        _say(f"could not check the portal's accounts ({error}); add one with: bapas user add")
        return None


def run(data_dir: Path) -> int:
    stack = Stack(data_dir)
    stop_requested = threading.Event()

    def request_stop(*_):
        stop_requested.set()
        stack.stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    stack.start()
    if stack.wait_ready():
        _say("all services ready:")
        portal = f"http://127.0.0.1:{service_port('portal')}"
        _say(f"  portal     {portal}   sign in in a browser")
        if stack.admin_password:
            _say(f"  first sign-in: username admin, password {stack.admin_password}   (shown this once)")
        for service in SERVICES:
            url = stack.env[f"{service.upper()}_URL"]
            _say(f"  {service:<10} {url}   docs {url}/docs   OpenAPI {url}/openapi.json")
        _say("get a token with: .venv/bin/bapas token --role admin   (Ctrl-C stops the stack)")
    else:
        _say("some services are not ready yet; see their logs above")
    supervisor = threading.Thread(target=stack.supervise, daemon=True)
    supervisor.start()
    while not stop_requested.is_set():
        stop_requested.wait(0.5)
    _say("stopping...")
    stack.stop()
    _say("stopped")
    return 0
