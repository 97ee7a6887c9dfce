"""bimbingan's enrollment events -> the utilization view: one entry per enrollment per program,
overwritten by the newest state (the Applier drops duplicates and older sequences). Counts are
derived from the entries; a program whose active count crosses its capacity moves between the
catalogue's open and closed indexes in the same transaction."""
import json

from services.pokmas import domain, keys
from services.pokmas.agreements import program_indexes, program_member
from services.pokmas.schemas import EnrollmentState
from services.pokmas.store import load, reindex

ENROLLMENT_TYPES = ("bimbingan.enrollment.created", "bimbingan.attendance.recorded",
                    "bimbingan.enrollment.completed", "bimbingan.enrollment.withdrawn",
                    "bimbingan.enrollment.attention_required")


def enrollment_changed(pipe, event: dict) -> None:
    """A malformed `data` raises ValidationError, so the consumer sends the event to the dead letters."""
    data = {k: str(v) for k, v in EnrollmentState().load(event["data"]).items()}
    view_key, program_key = keys.utilization(data["program_id"]), keys.program(data["program_id"])
    pipe.watch(view_key, program_key)
    agreement_id = pipe.get(program_key)
    agreement = None
    if agreement_id:
        pipe.watch(keys.agreement(agreement_id))
        agreement = load(pipe, keys.agreement(agreement_id))
    entries = {eid: json.loads(raw) for eid, raw in pipe.hgetall(view_key).items()}
    before = domain.utilization(list(entries.values()))["active"]
    entries[data["id"]] = {"status": data["status"], "client_id": data["client_id"]}
    after = domain.utilization(list(entries.values()))["active"]
    pipe.multi()
    pipe.hset(view_key, data["id"], json.dumps(entries[data["id"]]))
    pipe.hset(keys.served(data["group_id"]), data["id"], data["client_id"])
    program = domain.find_program(agreement, data["program_id"]) if agreement else None
    if program is not None:
        member = program_member(program)
        reindex(pipe, program_indexes(agreement, program, before), member,
                program_indexes(agreement, program, after), member)


HANDLERS = {event_type: enrollment_changed for event_type in ENROLLMENT_TYPES}
