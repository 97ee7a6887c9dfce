"""Worker counters kept in the service's Redis, so every replica adds to the same totals
and the API's /metrics can show them (the worker has no HTTP port)."""
import logging

import redis

from shared.keys import BackboneKeys

log = logging.getLogger(__name__)

COUNTERS = ("published", "consumed", "duplicates", "stale", "dead_lettered", "handler_errors")


class Stats:
    def __init__(self, client, service: str):
        self.redis = client
        self.key = BackboneKeys(service).stats

    def incr(self, name: str, amount: int = 1) -> None:
        try:
            self.redis.hincrby(self.key, name, amount)
        except redis.RedisError:
            log.warning("could not count %s: Redis unavailable", name)

    def read(self) -> dict[str, int]:
        raw = self.redis.hgetall(self.key)
        return {name: int(raw.get(name, 0)) for name in COUNTERS}
