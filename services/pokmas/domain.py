"""pokmas's rules: groups, agreements (PKS) and their life cycle, programs, utilization. Pure: no I/O.

Dates are ISO strings in records; `today` is passed in, so every rule about time is testable.
Each change returns the record after it and the events it causes."""
from datetime import date
from typing import NotRequired, TypedDict

from shared.catalog import Event
from shared.errors import Conflict, Invalid

GROUP_REGISTERED, GROUP_UPDATED = "pokmas.group.registered", "pokmas.group.updated"
AGREEMENT_CREATED, AGREEMENT_PROGRAMS_CHANGED = "pokmas.agreement.created", "pokmas.agreement.programs_changed"
AGREEMENT_ACTIVATED, AGREEMENT_SUSPENDED = "pokmas.agreement.activated", "pokmas.agreement.suspended"
AGREEMENT_TERMINATED, AGREEMENT_EXPIRED = "pokmas.agreement.terminated", "pokmas.agreement.expired"

LEGAL_FORMS = ("yayasan", "pesantren", "company", "training_centre", "religious_org", "individual", "other")
GUIDANCE_TYPES = ("kepribadian", "kemandirian")
GROUP_ACTIVE = "active"
DRAFT, ACTIVE, SUSPENDED, TERMINATED, EXPIRED = "draft", "active", "suspended", "terminated", "expired"
AGREEMENT_STATUSES = (DRAFT, ACTIVE, SUSPENDED, TERMINATED, EXPIRED)
IN_FORCE = (ACTIVE, SUSPENDED)
EXPIRING_WITHIN_DAYS = 60
ENROLLED, COMPLETED, WITHDRAWN = "enrolled", "completed", "withdrawn"
GROUP_FIELDS = ("name", "legal_form", "address", "contact", "bapas_office")


class Group(TypedDict):
    id: str
    name: str
    legal_form: str
    address: str
    contact: str
    bapas_office: str
    status: str
    version: int
    created_at: str
    created_by: str
    updated_at: NotRequired[str]
    updated_by: NotRequired[str]


class Program(TypedDict):
    id: str
    name: str
    guidance_type: str
    capacity: int
    created_at: str


class Agreement(TypedDict):
    id: str
    group_id: str
    number: str
    signed_on: str
    valid_from: str
    valid_until: str
    status: str
    programs: list[Program]
    version: int
    created_at: str
    created_by: str
    updated_at: NotRequired[str]
    updated_by: NotRequired[str]
    activated_at: NotRequired[str]
    activated_by: NotRequired[str]
    suspension_reason: NotRequired[str | None]
    suspended_at: NotRequired[str]
    suspended_by: NotRequired[str]
    termination_reason: NotRequired[str]
    terminated_at: NotRequired[str]
    terminated_by: NotRequired[str]
    expired_at: NotRequired[str]
    expired_by: NotRequired[str]


def name_key(name: str) -> str:
    """Group names and PKS numbers are unique case-insensitively and regardless of surrounding spaces."""
    return " ".join(name.split()).casefold()


def new_group(group_id: str, body: dict, ctx) -> tuple[Group, list[Event]]:
    group = {**{f: body[f] for f in GROUP_FIELDS}, "id": group_id, "status": GROUP_ACTIVE, "version": 1,
             "created_at": ctx.at, "created_by": ctx.actor}
    return group, [_group_event(GROUP_REGISTERED, group)]


def update_group(group: Group, changes: dict, ctx) -> tuple[Group, list[Event]]:
    """The group corrected; unchanged (no new version, no event) if no field really changes."""
    if all(changes.get(f, group[f]) == group[f] for f in GROUP_FIELDS):
        return group, []
    updated = {**group, **{f: changes[f] for f in GROUP_FIELDS if f in changes}, "version": group["version"] + 1,
               "updated_at": ctx.at, "updated_by": ctx.actor}
    return updated, [_group_event(GROUP_UPDATED, updated)]


def _group_event(event_type: str, group: Group) -> Event:
    return Event(event_type, group["id"], group["version"], group_event_data(group))


def group_event_data(group: dict) -> dict:
    """A group's name is not personal data: klien shows it in each client's guidance."""
    return {key: group[key] for key in ("id", "name", "legal_form", "bapas_office", "status")}


def check_period(signed_on: str, valid_from: str, valid_until: str) -> None:
    """A PKS is valid for a period that starts on or after the day it was signed."""
    errors = {}
    if valid_from >= valid_until:
        errors["valid_until"] = ["must be after valid_from"]
    if signed_on > valid_from:
        errors["signed_on"] = [f"must not be after valid_from ({valid_from}): a PKS is signed before it holds"]
    if errors:
        raise Invalid(errors)


def new_program(program_id: str, body: dict, ctx) -> Program:
    return {"id": program_id, "name": body["name"], "guidance_type": body["guidance_type"],
            "capacity": body["capacity"], "created_at": ctx.at}


def new_agreement(agreement_id: str, body: dict, programs: list[Program], ctx) -> tuple[Agreement, list[Event]]:
    check_period(body["signed_on"], body["valid_from"], body["valid_until"])
    agreement = {"id": agreement_id, "group_id": body["group_id"], "number": body["number"],
                 "signed_on": body["signed_on"], "valid_from": body["valid_from"], "valid_until": body["valid_until"],
                 "status": DRAFT, "programs": programs, "version": 1, "created_at": ctx.at, "created_by": ctx.actor}
    return agreement, [_agreement_event(AGREEMENT_CREATED, agreement)]


def _changed(event_type: str, agreement: Agreement, ctx, **fields) -> tuple[Agreement, list[Event]]:
    after = {**agreement, **fields, "version": agreement["version"] + 1, "updated_at": ctx.at, "updated_by": ctx.actor}
    return after, [_agreement_event(event_type, after)]


def _agreement_event(event_type: str, agreement: Agreement) -> Event:
    return Event(event_type, agreement["id"], agreement["version"], agreement_event_data(agreement))


def _require(agreement: dict, allowed: tuple, action: str) -> None:
    if agreement["status"] not in allowed:
        raise Conflict(f"the agreement cannot be {action} from its current status; "
                       f"current status is {agreement['status']}")


def activate(agreement: Agreement, today: date, ctx) -> tuple[Agreement, list[Event]]:
    """Draft to active, or suspended back to active: only within the validity period."""
    _require(agreement, (DRAFT, SUSPENDED), "activated")
    day = today.isoformat()
    if not agreement["valid_from"] <= day <= agreement["valid_until"]:
        raise Conflict(f"the agreement can only be activated within its validity period "
                       f"{agreement['valid_from']} to {agreement['valid_until']}; today is {day}")
    return _changed(AGREEMENT_ACTIVATED, agreement, ctx, status=ACTIVE, activated_at=ctx.at, activated_by=ctx.actor)


def resume(agreement: Agreement, today: date, ctx) -> tuple[Agreement, list[Event]]:
    _require(agreement, (SUSPENDED,), "resumed")
    return activate(agreement, today, ctx)


def suspend(agreement: Agreement, reason: str | None, ctx) -> tuple[Agreement, list[Event]]:
    _require(agreement, (ACTIVE,), "suspended")
    return _changed(AGREEMENT_SUSPENDED, agreement, ctx, status=SUSPENDED, suspension_reason=reason,
                    suspended_at=ctx.at, suspended_by=ctx.actor)


def terminate(agreement: Agreement, reason: str, ctx) -> tuple[Agreement, list[Event]]:
    _require(agreement, IN_FORCE, "terminated")
    return _changed(AGREEMENT_TERMINATED, agreement, ctx, status=TERMINATED, termination_reason=reason,
                    terminated_at=ctx.at, terminated_by=ctx.actor)


def is_due(agreement: dict, today: date) -> bool:
    """An active agreement is due to expire once its last valid day has passed."""
    return agreement["status"] == ACTIVE and agreement["valid_until"] < today.isoformat()


def expire(agreement: Agreement, today: date, ctx) -> tuple[Agreement, list[Event]]:
    _require(agreement, (ACTIVE,), "expired")
    if not is_due(agreement, today):
        raise Conflict(f"the agreement is valid until {agreement['valid_until']}; today is {today.isoformat()}")
    return _changed(AGREEMENT_EXPIRED, agreement, ctx, status=EXPIRED, expired_at=ctx.at, expired_by=ctx.actor)


def add_program(agreement: Agreement, program: Program, ctx) -> tuple[Agreement, list[Event]]:
    _require(agreement, (DRAFT,), "given new programs")
    return _changed(AGREEMENT_PROGRAMS_CHANGED, agreement, ctx, programs=[*agreement["programs"], program])


def find_program(agreement: dict, program_id: str) -> dict | None:
    return next((p for p in agreement["programs"] if p["id"] == program_id), None)


def change_program(agreement: Agreement, program_id: str, changes: dict, ctx) -> tuple[Agreement, list[Event]]:
    """A draft's programs change freely; an active agreement's programs may only grow in capacity."""
    program = find_program(agreement, program_id)
    if agreement["status"] == ACTIVE:
        _check_growth_only(program, changes)
    else:
        _require(agreement, (DRAFT, ACTIVE), "given changed programs")
    changed = {**program, **{k: changes[k] for k in ("name", "guidance_type", "capacity") if k in changes}}
    programs = [changed if p["id"] == program_id else p for p in agreement["programs"]]
    return _changed(AGREEMENT_PROGRAMS_CHANGED, agreement, ctx, programs=programs)


def _check_growth_only(program: dict, changes: dict) -> None:
    fixed = [k for k in ("name", "guidance_type") if k in changes and changes[k] != program[k]]
    if fixed:
        raise Conflict(f"only capacity may change while the agreement is active (asked to change "
                       f"{', '.join(fixed)}); current status is active")
    if changes.get("capacity", program["capacity"]) < program["capacity"]:
        raise Conflict(f"capacity may only grow while the agreement is active; it is {program['capacity']}; "
                       f"current status is active")


def agreement_event_data(agreement: dict) -> dict:
    """The agreement's state for bimbingan's program replica and klien's guidance: ids, codes, dates,
    capacities and program names; no reasons."""
    keys = ("id", "group_id", "number", "status", "valid_from", "valid_until")
    return {**{k: agreement[k] for k in keys},
            "programs": [{k: p[k] for k in ("id", "name", "guidance_type", "capacity")}
                         for p in agreement["programs"]]}


COUNTED = {ENROLLED: "active", COMPLETED: "completed", WITHDRAWN: "withdrawn"}  # status -> its count


def utilization(entries: list[dict]) -> dict:
    """Counts derived from one entry per enrollment (its newest state)."""
    statuses = [entry["status"] for entry in entries]
    return {"enrolled": len(statuses), **{count: statuses.count(status) for status, count in COUNTED.items()}}


def recounted(counts: dict, before: str | None, after: str) -> dict:
    """The counts once an enrollment's entry goes from status `before` (None: it had none) to `after`: what
    `utilization` gives for the entries after the change, from the counts before it. The same state again
    changes nothing (an event applied twice counts once)."""
    changed = dict(counts)
    if before is None:
        changed["enrolled"] += 1
    elif before in COUNTED:
        changed[COUNTED[before]] -= 1
    if after in COUNTED:
        changed[COUNTED[after]] += 1
    return changed


def is_open(agreement_status: str, capacity: int, active: int) -> bool:
    """A program takes clients when its agreement is active and it is not full."""
    return agreement_status == ACTIVE and active < capacity


def program_view(agreement: Agreement, program: Program, counts: dict) -> dict:
    return {**program, "utilization": counts,
            "open": is_open(agreement["status"], program["capacity"], counts["active"])}


def agreement_view(agreement: Agreement, counts: dict[str, dict]) -> dict:
    """The agreement as answered: each program with its utilization and whether it takes clients."""
    return {**agreement, "programs": [program_view(agreement, p, counts[p["id"]]) for p in agreement["programs"]]}


def catalogue_item(agreement: Agreement, program_id: str, counts: dict) -> dict:
    """A program as the catalogue lists it, with its agreement's number, status and validity."""
    return {**program_view(agreement, find_program(agreement, program_id), counts), "agreement_id": agreement["id"],
            "agreement_number": agreement["number"], "agreement_status": agreement["status"],
            "group_id": agreement["group_id"], "valid_until": agreement["valid_until"]}


def expiring(agreements: list[dict], today: date) -> list[dict]:
    """Agreements in force whose last valid day falls within the next 60 days, soonest first."""
    start = today.isoformat()
    end = date.fromordinal(today.toordinal() + EXPIRING_WITHIN_DAYS).isoformat()
    due = [a for a in agreements if a["status"] in IN_FORCE and start <= a["valid_until"] <= end]
    return [{k: a[k] for k in ("id", "number", "group_id", "status", "valid_until")}
            for a in sorted(due, key=lambda a: (a["valid_until"], a["number"]))]


def compliance(office: str, groups: list[dict], agreements: list[dict], served: dict, today: date) -> dict:
    """A BAPAS office's summary: its groups, their agreements by status, what expires soon, clients served."""
    by_status = {status: sum(a["status"] == status for a in agreements) for status in AGREEMENT_STATUSES}
    return {"bapas_office": office, "as_of": today.isoformat(), "groups": len(groups),
            "agreements_by_status": by_status, "expiring_within_60_days": expiring(agreements, today),
            "clients_served": [{"group_id": g["id"], "name": g["name"], "clients": served.get(g["id"], 0)}
                               for g in sorted(groups, key=lambda g: (name_key(g["name"]), g["id"]))]}
