"""The events laporan consumes -> use cases; the subscriptions are declared here.

Each handler runs inside the Applier's transaction (shared/inbox.py): duplicates and events older
than what was applied for their subject never reach it. A `data` that does not match raises, so
the consumer retries it and then sends it to `laporan.dead`.
"""
import logging

from services.laporan import schemas, usecases
from services.laporan.repository import Tx
from shared.keys import BackboneKeys

log = logging.getLogger(__name__)

CLIENT_TYPES = ("klien.client.registered", "klien.client.updated", "klien.client.status_changed")
GROUP_TYPES = ("pokmas.group.registered", "pokmas.group.updated")
AGREEMENT_TYPES = ("pokmas.agreement.created", "pokmas.agreement.programs_changed", "pokmas.agreement.activated",
                   "pokmas.agreement.suspended", "pokmas.agreement.terminated", "pokmas.agreement.expired")
ENROLLMENT_TYPES = ("bimbingan.enrollment.created", "bimbingan.enrollment.attention_required",
                    "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn")
ATTENDANCE_TYPE = "bimbingan.attendance.recorded"
SESSION_TYPES = ("bimbingan.session.scheduled", "bimbingan.session.rescheduled", "bimbingan.session.cancelled")
# Wajib lapor (klien): counted when klien publishes them; until then nothing arrives and both are 0.
REPORTING_TYPES = {"klien.checkin.recorded": "kept", "klien.reporting.missed": "missed"}
DUE_FIELDS = ("due_date", "due", "kept_due", "kept_due_date")

SUBSCRIPTIONS = (*CLIENT_TYPES, *GROUP_TYPES, *AGREEMENT_TYPES, *ENROLLMENT_TYPES, ATTENDANCE_TYPE,
                 *SESSION_TYPES, *REPORTING_TYPES)


def build(tz, service: str = "laporan") -> dict:
    backbone = BackboneKeys(service)

    def in_tx(apply):
        def handler(pipe, event: dict) -> None:
            tx = Tx(pipe, tz)
            apply(tx, event)
            tx.commit()
        return handler

    def skipped_one(tx: Tx, event: dict, session_id: str | None = None) -> bool:
        """Read what the change needs, and whether this event skipped a sequence of its enrollment."""
        strings, hashes = usecases.enrollment_reads(event["data"], session_id)
        tx.prefetch([backbone.applied(event["subject"]), *strings], hashes)
        applied = tx.applied_sequence(backbone.applied(event["subject"]))
        return int(event["sequence"]) > (applied or 0) + 1

    def client(tx, event):
        usecases.client_changed(tx, schemas.loaded(schemas.ClientState, event["data"]))

    def group(tx, event):
        usecases.group_changed(tx, schemas.loaded(schemas.GroupState, event["data"]), int(event["sequence"]))

    def agreement(tx, event):
        usecases.agreement_changed(tx, schemas.loaded(schemas.AgreementState, event["data"]))

    def enrollment(tx, event):
        usecases.enrollment_changed(tx, schemas.loaded(schemas.EnrollmentState, event["data"]), skipped_one(tx, event))

    def attendance(tx, event):
        data = schemas.loaded(schemas.AttendanceState, event["data"])
        session_id, mark = data.pop("session_id"), data.pop("attendance")
        usecases.attendance_recorded(tx, data, session_id, mark, skipped_one(tx, event, session_id))

    def session(tx, event):
        usecases.session_changed(tx, schemas.loaded(schemas.SessionState, event["data"]))

    def reporting(tx, event):
        data = event["data"]
        due = next((data[f] for f in DUE_FIELDS if isinstance(data.get(f), str)), None) or data.get("date")
        if not isinstance(due, str):
            log.warning("%s %s carries no due date laporan can read; not counted", event["type"], event["id"])
            return
        client_id = data.get("client_id") or event["subject"]
        usecases.reporting_outcome(tx, client_id, due[:10], REPORTING_TYPES[event["type"]])

    routes = {**{t: client for t in CLIENT_TYPES}, **{t: group for t in GROUP_TYPES},
              **{t: agreement for t in AGREEMENT_TYPES}, **{t: enrollment for t in ENROLLMENT_TYPES},
              ATTENDANCE_TYPE: attendance, **{t: session for t in SESSION_TYPES},
              **{t: reporting for t in REPORTING_TYPES}}
    return {event_type: in_tx(apply) for event_type, apply in routes.items()}
