"""Reading another service's /events feed over HTTP: catch-up when a replica misses an id,
and view rebuilds. Events go through the same Applier as broker deliveries, so an
event seen both ways is applied once. A catch-up applies each page as the consumer applies a
batch (`Applier.apply_batch`: the inbox marks of the page read at once, one transaction where
the keys allow): most of what it reads was applied by the broker path already."""
import logging

import orjson
import requests

from shared import auth, envelope
from shared.errors import Unavailable
from shared.inbox import Applier, EventFailed
from shared.keys import BackboneKeys

log = logging.getLogger(__name__)
PAGE = 500


def service_token(settings, service: str) -> str:
    """A short-lived read-only token this service uses to read the others' feeds."""
    return auth.token_for(settings, role="auditor", sub=f"service:{service}", ttl_seconds=300)


class FeedReader:
    def __init__(self, base_url: str, token: str, timeout: float = 3.0, session=None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()

    def page(self, after: str | None, types=None, limit: int = PAGE) -> tuple[list[dict], str | None]:
        params = {"limit": limit}
        if after:
            params["after"] = after
        if types:
            params["type"] = ",".join(sorted(types))
        try:
            response = self.http.get(f"{self.base_url}/events", params=params, timeout=self.timeout,
                                     headers={"Authorization": f"Bearer {self.token}"})
        except requests.RequestException as exc:
            raise Unavailable(f"cannot reach {self.base_url} to catch up: {type(exc).__name__}") from None
        if response.status_code == 404 and after:
            raise LookupError(after)
        if response.status_code != 200:
            raise Unavailable(f"{self.base_url}/events answered {response.status_code}")
        body = orjson.loads(response.content)  # a page of 500 events: half the json module's work
        return body["items"], body["next_after"]


def catch_up(client, *, service: str, source: str, reader: FeedReader, applier: Applier,
             region: str, replay: bool = False, from_start: bool = False) -> int:
    """Apply every event of `source` this service handles, after the last position read; return how many."""
    position_key = BackboneKeys(service).feed_position(source)
    after = stored = None if from_start else client.get(position_key)
    types = {t for t in applier.handlers if t.startswith(source + ".")}
    applied = 0
    while True:
        try:
            items, next_after = reader.page(after, types)
        except LookupError:
            log.warning("%s: position %s left %s's feed; reading it from the start", service, after, source)
            after = None
            continue
        applied += _apply_page(applier, items, region, replay)
        if items:
            after = items[-1]["id"]
        if next_after:
            after = next_after
        if after and after != stored:  # a write (an fsync) only when the position moved
            client.set(position_key, after)
            stored = after
        if next_after is None:
            return applied


def _apply_page(applier: Applier, items: list[dict], region: str, replay: bool) -> int:
    """Apply a page's events in order; the ones before an event that is refused are applied, then it raises.
    Items whose id has an inbox mark came by the broker already: they count as read and are not checked
    again (nearly the whole page, and the envelope's checks were most of what reading it cost)."""
    read = len(items)
    if not replay:
        items = applier.unmarked(items)
    events, refused = [], None
    for item in items:
        try:
            event = envelope.parse_event(item)
            envelope.check_origin(event, region=region)
        except envelope.MalformedEvent as exc:
            refused = exc
            break
        events.append(event)
    if replay:  # a rebuild skips the inbox: one event at a time, as apply() does it
        for event in events:
            applier.apply(event, replay=True)
    elif events:
        try:
            applier.apply_batch(events)
        except EventFailed as failed:
            raise failed.error from None
    if refused is not None:
        raise refused
    return read if not replay else len(events)
