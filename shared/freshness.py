"""Freshness for replicas: when a request names an id the replica does not know yet,
read the owner's /events feed up to now before answering, so a record created a
moment ago is accepted. Unreachable owner: 503 with Retry-After."""
import threading

from shared import feed
from shared.inbox import Applier


class Freshness:
    def __init__(self, runtime, handlers: dict):
        self.runtime = runtime
        self.applier = Applier(runtime.redis, service=runtime.service, handlers=handlers)
        self._locks = {}
        self._guard = threading.Lock()

    def catch_up(self, source: str) -> int:
        settings = self.runtime.settings
        with self._lock(source):
            reader = feed.FeedReader(settings.urls[source], feed.service_token(settings, self.runtime.service))
            return feed.catch_up(self.runtime.redis, service=self.runtime.service, source=source, reader=reader,
                                 applier=self.applier, region=settings.region)

    def _lock(self, source: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(source, threading.Lock())
