"""klien's and pokmas's events -> bimbingan's replicas, and the reactions they call for:
a client that leaves `active`, or an agreement that is suspended, terminated or expired,
gets its open enrollments withdrawn, each with its own event, in the same transaction
as the replica update (so a redelivered or replayed event withdraws nothing twice)."""
import json

from services.bimbingan import domain, keys
from services.bimbingan.store import load, save_enrollment
from shared import clock
from shared.context import system_context

CLIENT_TYPES = ("klien.client.registered", "klien.client.updated", "klien.client.status_changed")
AGREEMENT_TYPES = ("pokmas.agreement.created", "pokmas.agreement.activated", "pokmas.agreement.programs_changed",
                   "pokmas.agreement.suspended", "pokmas.agreement.terminated", "pokmas.agreement.expired")


def build(runtime) -> dict:
    """Handlers for the worker's consumer and the API's catch-up; they only capture `runtime` here."""
    def client_changed(pipe, event: dict) -> None:
        data = event["data"]
        open_key = keys.client_open(data["id"])
        pipe.watch(open_key)
        ending = _open_enrollments(pipe, pipe.smembers(open_key)) if data["status"] != domain.ACTIVE else []
        pipe.multi()
        pipe.set(keys.client(data["id"]), json.dumps({"id": data["id"], "status": data["status"]}))
        _withdraw(pipe, runtime.outbox, ending, "client_ended", event)

    def agreement_changed(pipe, event: dict) -> None:
        data = event["data"]
        program_ids = [program["id"] for program in data["programs"]]
        open_keys = [keys.program_open(program_id) for program_id in program_ids]
        ending = []
        if open_keys:
            pipe.watch(*open_keys)
        if data["status"] in domain.ENDED_AGREEMENT:
            ids = [i for key in open_keys for i in pipe.hvals(key)]
            ending = _open_enrollments(pipe, ids)
        dropped = set((load(pipe, keys.agreement(data["id"])) or {}).get("program_ids", ())) - set(program_ids)
        pipe.multi()
        pipe.set(keys.agreement(data["id"]), json.dumps({"id": data["id"], "group_id": data["group_id"],
                                                         "status": data["status"], "program_ids": program_ids}))
        for program_id in dropped:  # only a draft loses programs, so no enrollment refers to them
            pipe.delete(keys.program(program_id))
        for program in data["programs"]:
            pipe.set(keys.program(program["id"]), json.dumps(_program_replica(data, program)))
        _withdraw(pipe, runtime.outbox, ending, "agreement_ended", event)

    return {**{t: client_changed for t in CLIENT_TYPES}, **{t: agreement_changed for t in AGREEMENT_TYPES}}


def _program_replica(agreement: dict, program: dict) -> dict:
    return {"id": program["id"], "agreement_id": agreement["id"], "group_id": agreement["group_id"],
            "agreement_status": agreement["status"], "guidance_type": program.get("guidance_type"),
            "capacity": int(program["capacity"])}


def _open_enrollments(pipe, enrollment_ids) -> list[dict]:
    """Watch and read the open enrollments about to be withdrawn."""
    enrollment_ids = sorted(enrollment_ids)
    if not enrollment_ids:
        return []
    pipe.watch(*[keys.enrollment(i) for i in enrollment_ids])
    enrollments = [load(pipe, keys.enrollment(i)) for i in enrollment_ids]
    return [e for e in enrollments if e and e["status"] == domain.OPEN]


def _withdraw(pipe, outbox, enrollments: list[dict], reason_code: str, event: dict) -> None:
    ctx = system_context("bimbingan", event["correlationid"])
    for before in enrollments:
        after = domain.withdraw(before, reason_code, None, clock.today().isoformat(), ctx)
        save_enrollment(pipe, outbox, before, after, ctx.correlation_id, ("bimbingan.enrollment.withdrawn", {}))
