"""Scale of attendance: marks written in bimbingan's layout (each mark in its enrollment's hash and in
its session's hash, as SessionStore._save_mark does), then the reads an enrollment or a session page
makes, timed at a small and a large count, and Redis memory per mark."""
import json
import statistics
import time
import uuid

import redis as redis_lib

from services.bimbingan import keys

SESSIONS_PER_ENROLLMENT = 50


class AttendanceScale:
    def __init__(self, redis_url: str):
        self.redis = redis_lib.Redis.from_url(redis_url, decode_responses=True)
        self.count = 0
        self.sample = None

    def load_to(self, count: int) -> float:
        self.redis.config_set("appendfsync", "no")
        start, wanted = time.perf_counter(), count - self.count
        while self.count < count:
            enrollment_id = str(uuid.uuid4())
            sessions = [str(uuid.uuid5(uuid.NAMESPACE_OID, f"s-{self.count // 100_000}-{n}"))
                        for n in range(SESSIONS_PER_ENROLLMENT)]
            with self.redis.pipeline(transaction=False) as pipe:
                for n, session_id in enumerate(sessions):
                    mark = json.dumps({"session_id": session_id, "starts_at": "2026-02-01T09:00:00Z",
                                       "attendance": ("present", "late", "absent", "excused")[n % 4], "note": None,
                                       "recorded_at": "2026-02-01T11:00:00Z", "recorded_by": "pk-0007"})
                    pipe.hset(keys.enrollment_marks(enrollment_id), session_id, mark)
                    pipe.hset(keys.session_marks(session_id), enrollment_id, mark)
                pipe.execute()
            self.sample = self.sample or (enrollment_id, sessions[0])
            self.count += SESSIONS_PER_ENROLLMENT
        self.redis.config_set("appendfsync", "always")
        return wanted / (time.perf_counter() - start)

    def read_times(self, repeats: int) -> dict:
        enrollment_id, session_id = self.sample
        return {"one enrollment's marks": _median_ms(lambda: self.redis.hgetall(keys.enrollment_marks(enrollment_id)),
                                                     repeats),
                "one session's marks (first page of 50)":
                    _median_ms(lambda: self.redis.hscan(keys.session_marks(session_id), count=50), repeats)}


def _median_ms(read, repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        read()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(redis_url: str, small: int, large: int, repeats: int) -> tuple[list[dict], list[dict]]:
    scale = AttendanceScale(redis_url)
    scale.redis.flushdb()
    scale.load_to(small)
    before, at_small = scale.redis.info("memory")["used_memory"], scale.read_times(repeats)
    rate = scale.load_to(large)
    after, at_large = scale.redis.info("memory")["used_memory"], scale.read_times(repeats)
    rows = [{"query": name, f"{small:,} marks ms": f"{at_small[name]:.2f}", f"{large:,} marks ms": f"{at_large[name]:.2f}",
             "ratio": f"{at_large[name] / at_small[name]:.2f}"} for name in at_small]
    memory = [{"measure": "Redis memory per attendance mark (both hashes; its outbox event not included)",
               "value": f"{(after - before) / (large - small):,.0f} B"},
              {"measure": f"used_memory at {small:,} / {large:,} marks",
               "value": f"{before / 2**20:,.1f} MiB / {after / 2**20:,.1f} MiB"},
              {"measure": "mark load rate (pipelined)", "value": f"{rate:,.0f} marks/s"}]
    return rows, memory
