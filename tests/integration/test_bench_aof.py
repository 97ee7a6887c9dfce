"""The bench rewrites the stack's AOF before a timed burst, and waits until the rewrite is done."""
import redis

from bench.aof import Rewrites
from tests.support.redis_server import RedisServer


def test_a_rewrite_before_a_burst_is_finished_when_the_burst_starts():
    server = RedisServer(appendonly=True).start()
    try:
        client = redis.Redis.from_url(server.url)
        client.mset({f"k{n}": "v" * 100 for n in range(20_000)})
        rewrites = Rewrites(server.url)
        rewrites.before_burst()
        rewrites.before_burst()  # again at once: joins or starts one, and waits as well
        info = client.info("persistence")
        assert not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]
        assert info["aof_last_bgrewrite_status"] == "ok" and rewrites.count == 2
        assert "2 rewrites" in rewrites.note()
    finally:
        server.cleanup()
