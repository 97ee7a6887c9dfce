"""The events laporan consumes -> use cases; the subscriptions are declared here, each beside its
handler, as in every service (shared/subscriptions.py).

Each handler runs inside the Applier's transaction (shared/inbox.py): duplicates and events older
than what was applied for their subject never reach it. A `data` that does not match its schema
raises, so the consumer retries it and then sends it to `laporan.dead`.
"""
from services.laporan import keys, schemas, usecases
from services.laporan.repository import Tx
from shared.keys import BackboneKeys
from shared.subscriptions import Subscriptions

# Wajib lapor (klien): a kept due date counts as kept, a missed one as missed.
REPORTING_OUTCOMES = {"klien.checkin.recorded": "kept", "klien.reporting.missed": "missed"}

subscriptions = Subscriptions()
ENROLLMENT_EVENTS = ("bimbingan.enrollment.created", "bimbingan.enrollment.attention_required",
                     "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn")
ATTENDED = "bimbingan.attendance.recorded"


class Transactions:
    """What `Subscriptions.bind` calls a unit of work: a laporan transaction on the Applier's pipe."""

    def __init__(self, tz, service: str):
        self.tz = tz
        self.backbone = BackboneKeys(service)

    def on(self, pipe) -> Tx:
        return Tx(pipe, self.tz)


def _skipped_one(transactions: Transactions, tx: Tx, data: dict, event: dict, session_id: str | None = None) -> bool:
    """Read what the change needs, and whether this event skipped a sequence of its enrollment."""
    strings, hashes = _enrollment_reads(transactions, data, event, session_id)
    tx.prefetch(strings, hashes)
    return int(event["sequence"]) > (tx.applied_sequence(strings[0]) or 0) + 1


def _enrollment_reads(transactions: Transactions, data: dict, event: dict,
                      session_id: str | None) -> tuple[list[str], list[str]]:
    """The applied sequence's key first, then what usecases.enrollment_reads names (each key once)."""
    strings, hashes = usecases.enrollment_reads(data, session_id)
    strings = list(dict.fromkeys([transactions.backbone.applied(event["subject"]), *strings]))
    return strings, [key for key in dict.fromkeys(hashes) if key not in strings]


def _planned_reads(transactions: Transactions, event: dict) -> list[tuple]:
    """What Tx.prefetch will send for an enrollment or attendance event (the batch sends it beforehand)."""
    data = event["data"]
    session_id = data["session_id"] if event["type"] == ATTENDED else None
    strings, hashes = _enrollment_reads(transactions, data, event, session_id)
    return [("MGET", *strings), *(("HGETALL", key) for key in hashes)]


def client_reads(event: dict) -> list[tuple[str, str]]:
    """What client_changed reads before its dependents' recounts: the client's counted contributions and
    its dependents (both empty for a new client, so a registration needs no read of its own)."""
    client_id = event["data"]["id"]
    return [("GET", keys.contributions(f"client:{client_id}")), ("SMEMBERS", keys.dependents(client_id))]


@subscriptions.handles("klien.client.registered", "klien.client.updated", "klien.client.status_changed",
                       data=schemas.ClientState, reads=client_reads)
def client_changed(transactions, tx, data, event):
    usecases.client_changed(tx, data, event["region"])
    tx.commit()


@subscriptions.handles("pokmas.group.registered", "pokmas.group.updated", data=schemas.GroupState)
def group_changed(transactions, tx, data, event):
    usecases.group_changed(tx, data, int(event["sequence"]), event["region"])
    tx.commit()


@subscriptions.handles("pokmas.agreement.created", "pokmas.agreement.programs_changed", "pokmas.agreement.activated",
                       "pokmas.agreement.suspended", "pokmas.agreement.terminated", "pokmas.agreement.expired",
                       data=schemas.AgreementState)
def agreement_changed(transactions, tx, data, event):
    usecases.agreement_changed(tx, data)
    tx.commit()


@subscriptions.handles(*ENROLLMENT_EVENTS, data=schemas.EnrollmentState)
def enrollment_changed(transactions, tx, data, event):
    usecases.enrollment_changed(tx, data, _skipped_one(transactions, tx, data, event))
    tx.commit()


@subscriptions.handles(ATTENDED, data=schemas.AttendanceState)
def attendance_recorded(transactions, tx, data, event):
    session_id, mark = data.pop("session_id"), data.pop("attendance")
    usecases.attendance_recorded(tx, data, session_id, mark, _skipped_one(transactions, tx, data, event, session_id))
    tx.commit()


@subscriptions.handles("bimbingan.session.scheduled", "bimbingan.session.rescheduled", "bimbingan.session.cancelled",
                       data=schemas.SessionState)
def session_changed(transactions, tx, data, event):
    usecases.session_changed(tx, data)
    tx.commit()


@subscriptions.handles("klien.checkin.recorded", "klien.reporting.missed", data=schemas.ReportingOutcome)
def reporting_outcome(transactions, tx, data, event):
    due = data["kept_due"] if event["type"] == "klien.checkin.recorded" else data["due_date"]
    if due is None:  # a check-in that kept no due date (a second one, or no schedule) counts nothing
        return
    usecases.reporting_outcome(tx, data["client_id"], due, REPORTING_OUTCOMES[event["type"]])
    tx.commit()


def build(tz, service: str = "laporan") -> dict:
    """The Applier's handlers (event type -> handler(pipe, event)) for months counted in `tz`."""
    transactions = Transactions(tz, service)
    bound = subscriptions.bind(transactions, transactions)
    for event_type in (*ENROLLMENT_EVENTS, ATTENDED):  # the plan names the service's own applied key
        bound[event_type].reads = lambda event: _planned_reads(transactions, event)
    return bound
