"""CPU of a write through a raw WSGI call, as granian makes it: `python -m bench.cpu_wsgi [N] [clients|enrollments|both]`.

No test client: an environ dict per request and `app(environ, start_response)`, logging configured as
deployed (send stdout to /dev/null), a private Redis with AOF `always`; bimbingan's replicas are
delivered to it as its worker would (tests/support/bimbingan_world.py). Prints the requesting thread's
CPU µs per request (`time.thread_time()`, ROUNDS rounds of N after 50 of warm-up). Under
`valgrind --tool=callgrind --instr-atstart=no` with CALLGRIND=1, instrumentation is switched on only
around the counted requests (`callgrind_control -i on/off`): instructions per request, the same
whatever else runs on the machine (docs/performance.md, "the API's own CPU per write")."""
import io
import json
import os
import subprocess
import sys
import time

from services.klien import app as klien_app
from shared import logs
from shared.config import Settings
from tests.support import faults_payloads as payloads
from tests.support.bimbingan_world import World
from tests.support.client import REGION, SECRET, token
from tests.support.redis_server import RedisServer

CALLGRIND = bool(os.environ.get("CALLGRIND"))
WARM_UP = 50


def environ(path: str, body: dict, headers: dict) -> dict:
    raw = json.dumps(body).encode()
    env = {"REQUEST_METHOD": "POST", "SCRIPT_NAME": "", "PATH_INFO": path, "QUERY_STRING": "",
           "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
           "REMOTE_ADDR": "127.0.0.1", "REMOTE_PORT": "50000", "CONTENT_TYPE": "application/json",
           "CONTENT_LENGTH": str(len(raw)), "wsgi.version": (1, 0), "wsgi.url_scheme": "http",
           "wsgi.input": io.BytesIO(raw), "wsgi.errors": sys.stderr, "wsgi.multithread": True,
           "wsgi.multiprocess": False, "wsgi.run_once": False, "HTTP_HOST": "127.0.0.1:8000"}
    env.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    return env


def run(app, environs: list[dict], counted: bool = True) -> float:
    """CPU µs per request of the calling thread; each answer must be 201."""
    if CALLGRIND and counted:
        subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], check=True, capture_output=True)
    cpu = time.thread_time()
    for env in environs:
        status = []
        body = b"".join(app(env, lambda line, headers, exc_info=None: status.append(line)))
        assert status[0].startswith("201"), (status, body[:300])
    spent = (time.thread_time() - cpu) / len(environs) * 1e6
    if CALLGRIND and counted:
        subprocess.run(["callgrind_control", "-i", "off", str(os.getpid())], check=True, capture_output=True)
    return spent


def measure(server: RedisServer, which: str, count: int, rounds: int) -> dict:
    found = {}
    if which in ("clients", "both"):
        settings = Settings(redis_url=server.url, broker_url=server.url, region=REGION, jwt_secret=SECRET)
        app = klien_app.create_app(settings)
        headers = {"Authorization": "Bearer " + token("admin", "bench")}
        run(app, [environ("/clients", payloads.make("client"), headers) for _ in range(WARM_UP)], counted=False)
        found["POST /clients"] = [round(run(app, [environ("/clients", payloads.make("client"), headers)
                                                  for _ in range(count)])) for _ in range(rounds)]
    if which in ("enrollments", "both"):
        world = World(server.db_url(1))
        try:
            programs = [p["id"] for p in world.agreement(capacity=10**6, programs=10)["programs"]]
            bodies = iter([{"client_id": world.client(), "program_id": programs[n % len(programs)],
                            "start_date": "2026-06-01"} for n in range(WARM_UP + count * rounds)])
            headers = {"Authorization": "Bearer " + token("officer", "pk-1")}
            run(world.app, [environ("/enrollments", next(bodies), headers) for _ in range(WARM_UP)], counted=False)
            found["POST /enrollments"] = [round(run(world.app, [environ("/enrollments", next(bodies), headers)
                                                                for _ in range(count)])) for _ in range(rounds)]
        finally:
            world.stop()
    return found


if __name__ == "__main__":
    logs.configure("bench")
    redis_server = RedisServer().start()
    try:
        print(json.dumps(measure(redis_server, sys.argv[2] if len(sys.argv) > 2 else "both",
                                 int(sys.argv[1]) if len(sys.argv) > 1 else 300, int(os.environ.get("ROUNDS", "3"))),
                         ensure_ascii=False), file=sys.stderr)
    finally:
        redis_server.cleanup()
