"""Scale: clients loaded with klien's own repository writes (what a POST commits), then list,
filter and search answer times at a small and a large count, and Redis memory per client."""
import statistics
import time

from tests.support import faults_payloads as payloads
from services.klien import domain
from services.klien.app import create_app
from services.klien.events import CATALOG
from services.klien.schemas import ClientCreate
from services.klien.app import use_cases
from shared.config import Settings
from shared.context import CommandContext
from shared.ids import new_id
from shared.runtime import build_runtime
from tests.support.client import token

QUERIES = (("list", "/clients?limit=50"), ("filter status", "/clients?status=active&limit=50"),
           ("filter officer", "/clients?officer_id=pk-0007&limit=50"),
           ("filter type", "/clients?supervision_type=PB&limit=50"),
           ("search name word", "/clients?q=siti&limit=50"), ("search register number", "/clients?q={register}"),
           ("list page 2", "/clients?limit=50&cursor={cursor}"), ("one client", "/clients/{id}"))


class ClientScale:
    def __init__(self, redis_url: str):
        settings = Settings(redis_url=redis_url, broker_url=redis_url, region="bench", jwt_secret="bench-secret")
        self.runtime = build_runtime("klien", CATALOG, settings)
        self.uow = use_cases(self.runtime).uow
        self.http = create_app(settings).test_client()
        self.headers = {"Authorization": "Bearer " + token("admin", "bench", secret="bench-secret", region="bench")}
        self.count = 0
        self.sample = None
        self.schema = ClientCreate()
        self.ctx = CommandContext(actor="bench-loader", role="admin", correlation_id="bench-load")

    def load_to(self, count: int, batch: int = 500) -> float:
        """Register clients until there are `count`, `batch` per MULTI/EXEC with the writes of klien's repository
        (record, uniqueness, indexes, history, outbox event; the per-client duplicate checks are skipped:
        register numbers are unique by construction). Returns clients per second."""
        redis = self.runtime.redis
        redis.config_set("appendfsync", "no")  # loading speed only; every measurement runs with fsync always
        start, wanted = time.perf_counter(), count - self.count
        for first in range(self.count, count, batch):
            made = [self._new_client(n) for n in range(first, min(first + batch, count))]
            with redis.pipeline(transaction=True) as pipe:
                tx = self.uow.on(pipe)
                for change in made:
                    tx.clients.save(None, change.client, change.history)
                tx.commit(self.ctx, [event for change in made for event in change.events])
                pipe.execute()
            self.sample = self.sample or made[len(made) // 2].client
        redis.config_set("appendfsync", "always")
        self.count = count
        return wanted / (time.perf_counter() - start)

    def _new_client(self, n: int) -> domain.Changed:
        return domain.register(self.schema.dump(self.schema.load(payloads.client(n))), new_id(), self.ctx)

    def answer_times(self, repeats: int) -> dict:
        first = self.http.get("/clients?limit=50", headers=self.headers).get_json()
        values = {"register": self.sample["register_number"], "cursor": first["next_cursor"], "id": self.sample["id"]}
        times = {}
        for name, path in QUERIES:
            path = path.format(**values)
            samples = []
            self.http.get(path, headers=self.headers)  # warm: the first call pays for imports and caches
            for _ in range(repeats):
                start = time.perf_counter()
                response = self.http.get(path, headers=self.headers)
                samples.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, f"GET {path}: {response.status_code} {response.data[:300]}"
            times[name] = statistics.median(samples)
        return times

    def memory(self) -> dict:
        redis = self.runtime.redis
        info = redis.info("memory")
        record = redis.memory_usage(f"klien:client:{self.sample['id']}") or 0
        return {"used": info["used_memory"], "record": record}


def measure(redis_url: str, small: int, large: int, repeats: int) -> tuple[list[dict], list[dict]]:
    scale = ClientScale(redis_url)
    load_small = scale.load_to(small)
    before, at_small = scale.memory(), scale.answer_times(repeats)
    load_large = scale.load_to(large)
    after, at_large = scale.memory(), scale.answer_times(repeats)
    rows = [{"query": name, f"{small:,} clients ms": f"{at_small[name]:.1f}",
             f"{large:,} clients ms": f"{at_large[name]:.1f}", "ratio": f"{at_large[name] / at_small[name]:.2f}"}
            for name, _ in QUERIES]
    per_client = (after["used"] - before["used"]) / (large - small)
    memory = [{"measure": "Redis memory per client (all keys: record, history, indexes, outbox event)",
               "value": f"{per_client:,.0f} B"},
              {"measure": "of which the client record (MEMORY USAGE)", "value": f"{after['record']:,} B"},
              {"measure": f"used_memory at {small:,} / {large:,} clients",
               "value": f"{before['used'] / 2**20:,.1f} MiB / {after['used'] / 2**20:,.1f} MiB"},
              {"measure": "load rate, batches of klien's repository writes (fsync off while loading)",
               "value": f"{load_small:,.0f} / {load_large:,.0f} clients/s"}]
    return rows, memory
