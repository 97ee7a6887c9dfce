"""CPU time of one write, in-process: `python -m bench.cpu [N]`.

The requesting thread's CPU time (`time.thread_time()`) per `POST /clients` and `POST /groups`
through Flask's test client, logging configured as deployed (JSON lines on stdout; send stdout to
/dev/null), Redis on the same machine. Under the GIL a worker's write rate is bounded by this
figure, and unlike requests per second it moves little when other work loads the machine, so two
versions of the code can be compared on a busy machine (run each in turn, a few times)."""
import json
import sys
import time

from services.klien import app as klien_app
from services.pokmas import app as pokmas_app
from shared import logs
from shared.config import Settings
from tests.support import faults_payloads as payloads
from tests.support.client import token
from tests.support.redis_server import RedisServer

SECRET, REGION = "bench-secret", "bench"


def measure(redis_url: str, count: int) -> dict[str, dict]:
    settings = Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET)
    headers = {"Authorization": "Bearer " + token("admin", "bench", secret=SECRET, region=REGION)}
    found = {}
    for path, module, kind in (("/clients", klien_app, "client"), ("/groups", pokmas_app, "group")):
        http = module.create_app(settings).test_client()
        for _ in range(30):  # warm-up: imports, caches, connections
            assert http.post(path, json=payloads.make(kind), headers=headers).status_code == 201
        bodies = [payloads.make(kind) for _ in range(count)]
        cpu, wall = time.thread_time(), time.perf_counter()
        for body in bodies:
            response = http.post(path, json=body, headers=headers)
            assert response.status_code == 201, response.data
        found[f"POST {path}"] = {"cpu µs": round((time.thread_time() - cpu) / count * 1e6),
                                 "wall µs": round((time.perf_counter() - wall) / count * 1e6)}
    return found


if __name__ == "__main__":
    logs.configure("bench")
    server = RedisServer().start()
    try:
        print(json.dumps(measure(server.url, int(sys.argv[1]) if len(sys.argv) > 1 else 300), ensure_ascii=False),
              file=sys.stderr)
    finally:
        server.cleanup()
