"""bimbingan's enrollment events -> each client's guidance view: one entry per enrollment,
overwritten with the state the event carries (the Applier drops duplicates and older sequences)."""
import json

from marshmallow import ValidationError

from services.klien import domain
from services.klien.schemas import EnrollmentState
from services.klien.store import guidance_key

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

