"""bimbingan's enrollment events -> each client's guidance view: one entry per enrollment,
overwritten with the state the event carries (the Applier drops duplicates and older sequences)."""
import json

from marshmallow import ValidationError

from services.klien import attention, domain
from services.klien.reporting_store import guidance_flagged, reporting_flagged
from services.klien.schemas import EnrollmentState
from services.klien.store import guidance_key, record_key

ENROLLMENT_EVENTS = ("bimbingan.enrollment.created", "bimbingan.attendance.recorded",
                     "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn",
                     "bimbingan.enrollment.attention_required")


def enrollment_changed(pipe, event: dict) -> None:
    try:
        data = EnrollmentState().dump(EnrollmentState().load(event["data"]))
    except ValidationError as exc:
        # Retried, then dead-lettered by the consumer: a producer bug must be seen, not applied.
        raise ValueError(f"{event['type']} {event['id']}: enrollment data does not match: {exc.messages}") from None
    client_id, entry = data["client_id"], domain.guidance_entry(data)
    # The attention list covers both sources: read what the other one says, in this transaction.
    flagged = guidance_flagged(pipe, client_id, entry) or reporting_flagged(pipe, client_id)
    pipe.watch(record_key(client_id))
    client = pipe.get(record_key(client_id))
    pipe.multi()
    pipe.hset(guidance_key(client_id), data["id"], json.dumps(entry))
    if client is not None:
        attention.keep(pipe, json.loads(client), flagged)


HANDLERS = {event_type: enrollment_changed for event_type in ENROLLMENT_EVENTS}

