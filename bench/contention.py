"""Why POST /clients falls behind the floor: concurrent registrations through klien's use case, counting
the optimistic transactions that had to start again because a watched key changed under them."""
import threading
import time

import redis

from services.klien.events import CATALOG
from services.klien.schemas import ClientCreate
from services.klien.app import use_cases
from shared.config import Settings
from shared.context import CommandContext
from shared.runtime import build_runtime
from tests.support import faults_payloads as payloads


class _CountingPipeline(redis.client.Pipeline):
    retries = 0

    def execute(self, raise_on_error=True):
        try:
            return super().execute(raise_on_error)
        except redis.WatchError:
            _CountingPipeline.retries += 1
            raise


def measure(redis_url: str, per_thread: int) -> list[dict]:
    runtime = build_runtime("klien", CATALOG, Settings(redis_url=redis_url, region="bench", jwt_secret="s"))
    runtime.redis.pipeline = lambda transaction=True, shard_hint=None: _CountingPipeline(
        runtime.redis.connection_pool, runtime.redis.response_callbacks, transaction, shard_hint)
    clients, schema = use_cases(runtime), ClientCreate()
    ctx = CommandContext(actor="bench", role="admin", correlation_id="bench-contention")
    rows = []
    for threads in (1, 8):
        _CountingPipeline.retries = 0
        workers = [threading.Thread(target=lambda: [clients.register(schema.load(payloads.client()), ctx)
                                                    for _ in range(per_thread)]) for _ in range(threads)]
        start = time.perf_counter()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        writes = threads * per_thread
        rows.append({"threads": threads, "registrations": writes,
                     "per second": f"{writes / (time.perf_counter() - start):.0f}",
                     "transactions restarted (WATCH)": _CountingPipeline.retries,
                     "restarts per registration": f"{_CountingPipeline.retries / writes:.1f}"})
    return rows
