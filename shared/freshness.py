"""Freshness for replicas: when a request names an id the replica does not know yet,
read the owner's /events feed up to now before answering, so a record created a
moment ago is accepted. Unreachable owner: 503 with Retry-After."""
import threading
from typing import Callable

from shared import feed
from shared.config import service_url
from shared.inbox import Applier


class Freshness:
    def __init__(self, runtime, handlers: dict):
        self.runtime = runtime
        self.applier = Applier(runtime.redis, service=runtime.service, handlers=handlers)
        self._locks = {}
        self._guard = threading.Lock()

    def knows(self, source: str, is_known: Callable[[], bool]) -> bool:
        """True if `is_known()` holds now or after catching up with `source`'s feed.

        Requests for ids of the same source queue on one lock, so a burst of them reads
        the feed once; the ones after the first usually find the id already applied."""
        if is_known():
            return True
        with self._lock(source):
            if is_known():
                return True
            self._catch_up_locked(source)
        return is_known()

    def catch_up(self, source: str) -> int:
        with self._lock(source):
            return self._catch_up_locked(source)

    def _catch_up_locked(self, source: str) -> int:
        settings = self.runtime.settings
        base_url = settings.urls.get(source) or service_url(source)
        reader = feed.FeedReader(base_url, feed.service_token(settings, self.runtime.service))
        return feed.catch_up(self.runtime.redis, service=self.runtime.service, source=source, reader=reader,
                             applier=self.applier, region=settings.region)

    def _lock(self, source: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(source, threading.Lock())
