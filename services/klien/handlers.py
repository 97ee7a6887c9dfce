"""bimbingan's enrollment events -> each client's guidance view: one entry per enrollment,
overwritten with the state the event carries (the Applier drops duplicates and older sequences)."""
import json

from marshmallow import ValidationError

from services.klien import domain
from services.klien.schemas import EnrollmentState
from services.klien.store import guidance_key
from shared import feed
from shared.inbox import Applier

ENROLLMENT_EVENTS = ("bimbingan.enrollment.created", "bimbingan.attendance.recorded",
                     "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn",
                     "bimbingan.enrollment.attention_required")


def enrollment_changed(pipe, event: dict) -> None:
    try:
        data = EnrollmentState().dump(EnrollmentState().load(event["data"]))
    except ValidationError as exc:
        # Retried, then dead-lettered by the consumer: a producer bug must be seen, not applied.
        raise ValueError(f"{event['type']} {event['id']}: enrollment data does not match: {exc.messages}") from None
    pipe.multi()
    pipe.hset(guidance_key(data["client_id"]), data["id"], json.dumps(domain.guidance_entry(data)))


HANDLERS = {event_type: enrollment_changed for event_type in ENROLLMENT_EVENTS}


def rebuild_guidance(runtime, reader) -> int:
    """Rebuild every client's guidance view from bimbingan's /events feed (`reader`: a shared.feed.FeedReader).

    An operator's repair: the views are dropped, then every enrollment event still in the feed is
    replayed; for each enrollment the newest event wins as in normal delivery. Returns events read."""
    for key in runtime.redis.scan_iter(guidance_key("*"), count=500):
        runtime.redis.delete(key)
    applier = Applier(runtime.redis, service="klien", handlers=HANDLERS)
    return feed.catch_up(runtime.redis, service="klien", source="bimbingan", reader=reader, applier=applier,
                         region=runtime.settings.region, replay=True, from_start=True)
