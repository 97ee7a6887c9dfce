"""The stack's Redis rewrites its append-only file before a timed burst, not inside one.

Redis rewrites its AOF by itself each time the file has doubled since the last rewrite: a forked child
writes the whole dataset again, some 3 to 5 s of a core at the 400 MB the bench reaches. On 2 cores a
rewrite that starts inside a 10 s burst takes a fifth of the machine from that burst only, the floor's
or a service's as it happens (the floor's Redis is the same server), and moved a run's ratios by a
fifth (issue 21, the seventh pass). Rewriting just before each burst leaves every burst a small file to
grow, so none triggers a rewrite of its own; the rewrites' cost is reported, not hidden."""
import time

import redis


class Rewrites:
    def __init__(self, redis_url: str):
        self.client = redis.Redis.from_url(redis_url)
        self.count, self.seconds = 0, 0.0

    def before_burst(self, timeout: float = 120) -> None:
        """Start a rewrite (or join the one running) and wait until it is done."""
        started = time.monotonic()
        try:
            self.client.bgrewriteaof()
        except redis.ResponseError:  # one is running already: wait for it
            pass
        deadline = started + timeout
        while time.monotonic() < deadline:
            info = self.client.info("persistence")
            if not info["aof_rewrite_in_progress"] and not info["aof_rewrite_scheduled"]:
                break
            time.sleep(0.05)
        self.count += 1
        self.seconds += time.monotonic() - started

    def note(self) -> str:
        return (f"before each burst the stack's Redis rewrote its AOF and the bench waited for it (bench/aof.py): "
                f"{self.count} rewrites, {self.seconds:.1f} s in all, none inside a burst")
