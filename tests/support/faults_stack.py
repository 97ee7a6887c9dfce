"""The local stack for fault drills: started again on the same data and ports after a kill -9,
optionally on a Redis of the test's own (so the test can kill and restart just Redis)."""
from tests.support.local_stack import LocalStack


class FaultStack(LocalStack):
    def __init__(self, *, redis_server=None, broker_url: str | None = None):
        extra_env = {}
        if redis_server is not None:
            extra_env = {"REDIS_URL": redis_server.url, "BROKER_URL": broker_url or redis_server.db_url(1)}
        super().__init__(broker_url=broker_url, extra_env=extra_env)
        self.redis_server = redis_server

    @property
    def redis_url(self) -> str:
        return self.redis_server.url if self.redis_server else super().redis_url

    @property
    def broker_url(self) -> str:
        if self.redis_server is not None and not self.broker_url_override:
            return self.redis_server.db_url(1)
        return super().broker_url

    def restart(self, timeout: float = 90) -> "FaultStack":
        """After kill_all: `bapas run` again on the same data folder (embedded Redis replays its AOF) and ports."""
        return self.start(timeout)
