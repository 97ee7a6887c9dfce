"""klien's rules: registering, correcting and ending a client; search terms; the guidance view.

Pure: records are dicts with ISO date strings (as stored); nothing here does I/O. Each change
returns the client after it, its history entry and the events it causes (`Changed`).
"""
import hashlib
import hmac
import re
from datetime import date, timedelta
from typing import NamedTuple, NotRequired, TypedDict

from shared.catalog import Event
from shared.errors import Conflict, Forbidden, Invalid
from shared.pagination import index_member
from shared.scoping import NOT_YOURS

REGISTERED, UPDATED, STATUS_CHANGED = "klien.client.registered", "klien.client.updated", "klien.client.status_changed"

SUPERVISION_TYPES = ("PB", "CB", "CMB", "ASIMILASI", "PIDANA_BERSYARAT", "DIVERSI")
DECREE_REQUIRED = frozenset({"PB", "CB", "CMB", "ASIMILASI"})
DIVERSION_AGES = (12, 21)   # UU 11/2012: a child at least 12 and under 21 when the diversion starts
ACTIVE = "active"
ENDED_STATUSES = ("completed", "revoked", "transferred")
OFFENCE_CATEGORIES = ("narkotika", "terorisme", "korupsi", "pencurian", "penipuan_penggelapan", "kekerasan",
                      "kesusilaan", "pembunuhan", "lalu_lintas", "lainnya")
STATUSES = (ACTIVE, *ENDED_STATUSES)
FULL_NIK_ROLES = frozenset({"admin", "officer"})
_WORD = re.compile(r"\w+")


class Decree(TypedDict):
    number: str
    date: str


class Client(TypedDict):
    id: str
    register_number: str
    name: str
    nik: str
    birth_date: str
    sex: str
    address: str
    supervision_type: str
    offence_category: str
    decree: Decree | None
    supervision_start: str
    supervision_end: str
    officer_id: str
    bapas_office: str
    status: str
    version: int
    created_at: str
    created_by: str
    updated_at: str
    updated_by: str
    status_reason: str | None
    status_effective_date: str | None
    status_changed_at: str | None
    status_changed_by: str | None


class HistoryEntry(TypedDict):
    version: int
    action: str
    at: str
    by: str
    fields: list[str]
    status: str
    changes: NotRequired[dict[str, dict]]      # field -> {"old", "new"}, on a correction
    previous_status: NotRequired[str]
    effective_date: NotRequired[str | None]


class Changed(NamedTuple):
    """A client after a change, the history entry that records it and the events it causes
    (no entry and no events when nothing changed)."""
    client: Client
    history: HistoryEntry | None
    events: list[Event]


def check_client(client: dict) -> None:
    """Rules across fields; raise Invalid naming each field at fault."""
    errors: dict[str, list[str]] = {}
    start, end = client["supervision_start"], client["supervision_end"]
    if start >= end:
        errors["supervision_end"] = [f"must be after supervision_start ({start})"]
    if client["birth_date"] >= start:
        errors["birth_date"] = [f"must be before supervision_start ({start})"]
    if client["supervision_type"] == "DIVERSI" and client["birth_date"] < start:
        age, (youngest, oldest) = age_on(client["birth_date"], start), DIVERSION_AGES
        if not youngest <= age < oldest:
            errors["birth_date"] = [f"DIVERSI is for children at least {youngest} and under {oldest} on "
                                    f"supervision_start ({start}); this client is {age}"]
    decree = client.get("decree")
    if client["supervision_type"] in DECREE_REQUIRED and not decree:
        errors["decree"] = [f"{client['supervision_type']} needs its decree (SK): {{\"number\", \"date\"}}"]
    elif decree and decree["date"] > start:
        errors["decree"] = [f"the decree's date must not be after supervision_start ({start})"]
    if errors:
        raise Invalid(errors)


def age_on(birth_date: str, day: str) -> int:
    """Whole years from `birth_date` to `day` (ISO dates)."""
    born, then = date.fromisoformat(birth_date), date.fromisoformat(day)
    return then.year - born.year - ((then.month, then.day) < (born.month, born.day))


def new_client(fields: dict, client_id: str, ctx) -> Client:
    client: Client = {**fields, "decree": fields.get("decree"), "id": client_id, "status": ACTIVE, "version": 1,
              "created_at": ctx.at, "created_by": ctx.actor, "updated_at": ctx.at, "updated_by": ctx.actor,
              "status_reason": None, "status_effective_date": None, "status_changed_at": None,
              "status_changed_by": None}
    check_client(client)
    return client


def register(fields: dict, client_id: str, ctx) -> Changed:
    client = new_client(fields, client_id, ctx)
    return Changed(client, history_entry("registered", client, ctx, sorted(fields)), [_event(REGISTERED, client)])


def correct(client: Client, changes: dict, ctx) -> Changed:
    """The client with `changes` applied; its history names the fields that really changed."""
    if not changes:
        raise Invalid({"_body": ["send at least one field to correct"]})
    changed = sorted(name for name, value in changes.items() if client.get(name) != value)
    if not changed:
        return Changed(client, None, [])
    updated = {**client, **changes, "version": client["version"] + 1, "updated_at": ctx.at, "updated_by": ctx.actor}
    check_client(updated)
    entry = {**history_entry("updated", updated, ctx, changed),
             "changes": {name: {"old": client.get(name), "new": updated[name]} for name in changed}}
    return Changed(updated, entry, [_event(UPDATED, updated)])


def change_status(client: Client, status: str, reason: str, effective_date: str, ctx) -> Changed:
    """End an active client, or (status `active`) undo an end set in error; the reason says why."""
    if status == ACTIVE and client["status"] == ACTIVE:
        raise Conflict("the client is already active")
    if status != ACTIVE and client["status"] != ACTIVE:
        raise Conflict(f"only an active client can be ended; current status is {client['status']}")
    if effective_date < client["supervision_start"]:
        raise Invalid({"effective_date": [f"must not be before supervision_start ({client['supervision_start']})"]})
    ended = {**client, "status": status, "status_reason": reason, "status_effective_date": effective_date,
             "status_changed_at": ctx.at, "status_changed_by": ctx.actor, "version": client["version"] + 1,
             "updated_at": ctx.at, "updated_by": ctx.actor}
    entry = history_entry("status_changed", ended, ctx, ["status"], previous_status=client["status"])
    return Changed(ended, entry, [_event(STATUS_CHANGED, ended)])


def history_entry(action: str, client: Client, ctx, fields: list[str],
                  previous_status: str | None = None) -> HistoryEntry:
    """Who, when, what: the fields changed (a correction adds their old and new values: history is read
    only by the roles that may read the record), and the status move."""
    entry: HistoryEntry = {"version": client["version"], "action": action, "at": ctx.at, "by": ctx.actor,
                           "fields": fields, "status": client["status"]}
    if previous_status:
        entry.update(previous_status=previous_status, effective_date=client["status_effective_date"])
    return entry


def _event(event_type: str, client: Client) -> Event:
    return Event(event_type, client["id"], client["version"], event_data(client))


def event_data(client: dict) -> dict:
    """Ids, codes, dates and statuses only (docs/event-contracts.md): no offence category and no decree
    number either, they are criminal-record data (UU 27/2022) an integrator reads over HTTP if entitled."""
    keys = ("id", "register_number", "status", "supervision_type", "officer_id", "bapas_office",
            "supervision_start", "supervision_end", "status_effective_date")
    return {k: client[k] for k in keys}


def shown_to(client: dict, role: str) -> dict:
    """NIK masked to its last four digits for anyone but admin and officer."""
    if role in FULL_NIK_ROLES:
        return client
    return {**client, "nik": "*" * 12 + client["nik"][-4:]}


def history_shown_to(entry: HistoryEntry, role: str) -> HistoryEntry:
    """A history entry as `role` may read it: NIK values masked like the record's."""
    if role in FULL_NIK_ROLES or "nik" not in entry.get("changes", {}):
        return entry
    masked = {key: (value and "*" * 12 + value[-4:]) for key, value in entry["changes"]["nik"].items()}
    return {**entry, "changes": {**entry["changes"], "nik": masked}}


def partner_view(client: dict, group_id: str) -> dict:
    """A partner group sees a client by id and name only, and only a client with an enrollment in
    one of its programs (the guidance view knows each enrollment's group)."""
    if not any(entry["group_id"] == group_id for entry in client["guidance"]["enrollments"]):
        raise Forbidden(NOT_YOURS)
    return {"id": client["id"], "name": client["name"], "version": client["version"]}


# Search and list indexes: sorted sets of "<sort key>|<id>", kept with the record.

def register_key(register_number: str) -> str:
    """Register numbers are unique and sorted regardless of case."""
    return register_number.casefold()


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def search_terms(client: dict) -> set[str]:
    """Words of the name and of the register number, and the register number without punctuation."""
    register = words(client["register_number"])
    return {*words(client["name"]), *register, "".join(register)}


def matches(client: dict, query_words: list[str]) -> bool:
    terms = search_terms(client)
    return all(any(term.startswith(word) for term in terms) for word in query_words)


def canonical_term(client: dict, prefix: str) -> str | None:
    """The first of the client's terms starting with `prefix`: the one index entry a search returns it by."""
    return min((t for t in search_terms(client) if t.startswith(prefix)), default=None)


def officer_key(officer_id: str) -> str:
    """Officer ids are free text; their index key uses a digest so no value can shape a key."""
    return hashlib.sha1(officer_id.encode()).hexdigest()


def index_members(client: dict, nik_key: bytes, attention: bool = False,
                  next_due: str | None = None) -> set[tuple[str, str]]:
    """(index name, member) pairs that list and search this client: by register number in every
    filter index (and in `attention` while a flag is up: its guidance's or its wajib lapor's), by search term, by
    the keyed digest of its NIK, an active client by its supervision_end, and by `next_due`, its next open
    wajib lapor due date (reporting.next_open_due), when it has one."""
    member = index_member(register_key(client["register_number"]), client["id"])
    members = {("all", member), *((filter_index(name, client[name]), member) for name in LIST_FILTERS),
               *(("q", index_member(term, client["id"])) for term in search_terms(client)),
               (nik_index(client["nik"], nik_key), member)}
    if client["status"] == ACTIVE:
        members.add(("ending", index_member(client["supervision_end"], client["id"])))
    if attention:
        members.add(("attention", member))
    return members | due_members(client, next_due)


def due_members(client: dict, next_due: str | None) -> set[tuple[str, str]]:
    """An active client with an open due date, by that date: in the region's list and in its PK's (a PK's
    home asks for its own caseload only, which a walk of the region's list would pay for every client)."""
    if next_due is None or client["status"] != ACTIVE:
        return set()
    member = index_member(next_due, client["id"])
    return {(DUE_INDEX, member), (due_index(client["officer_id"]), member)}


DUE_INDEX = "due"


def due_index(officer_id: str | None) -> str:
    """The list of clients by next open due date: an officer's caseload's, or (None) the region's."""
    return f"due_officer:{officer_key(officer_id)}" if officer_id is not None else DUE_INDEX


def nik_digest(nik: str, nik_key: bytes) -> str:
    """A NIK's keyed digest: what names its index and its uniqueness slot, so no key holds a NIK."""
    return hmac.digest(nik_key, nik.encode(), "sha256").hex()   # hmac.new(...).hexdigest(), in one C call


def nik_index(nik: str, nik_key: bytes) -> str:
    """The index of the clients with this NIK."""
    return "nik:" + nik_digest(nik, nik_key)


def ending_window(today: str, days: int) -> tuple[str, str]:
    """(first, last) supervision_end of the clients whose supervision ends within `days` from today."""
    return today, (date.fromisoformat(today) + timedelta(days=days)).isoformat()


LIST_FILTERS = ("status", "officer_id", "supervision_type")


def filter_index(name: str, value: str) -> str:
    """The index listing the clients whose `name` field equals `value`."""
    if name == "officer_id":
        return f"officer:{officer_key(value)}"
    return f"{name}:{value}"




# The guidance view: one entry per enrollment, overwritten with the newest state bimbingan published.

ATTENTION_ABSENCES = 3


def guidance_entry(data: dict) -> dict:
    return {"enrollment_id": data["id"], "program_id": data["program_id"], "group_id": data["group_id"],
            "status": data["status"], "start_date": data["start_date"], "ended_on": data["ended_on"],
            "sessions_attended": data["sessions_attended"], "sessions_missed": data["sessions_missed"],
            "attention_required": data["status"] == "enrolled"
            and data["consecutive_absences"] >= ATTENTION_ABSENCES}


def program_names(data: dict) -> list[dict]:
    """What klien keeps of a pokmas agreement's programs: names are not personal data."""
    return [{"id": p["id"], "name": p.get("name"), "guidance_type": p.get("guidance_type"),
             "group_id": data["group_id"]} for p in data["programs"]]


def needs_attention(entries: list[dict]) -> bool:
    return any(entry["attention_required"] for entry in entries)


def guidance(entries: list[dict], programs: dict | None = None, groups: dict | None = None) -> dict:
    """The client's guidance from its entries, each named with its program, group and guidance type as
    pokmas published them (None until pokmas's event arrives)."""
    programs, groups = programs or {}, groups or {}
    entries = [{**e, "program_name": programs.get(e["program_id"], {}).get("name"),
                "guidance_type": programs.get(e["program_id"], {}).get("guidance_type"),
                "group_name": groups.get(e["group_id"], {}).get("name")} for e in entries]
    entries = sorted(entries, key=lambda e: (e["start_date"], e["enrollment_id"]))
    return {"active_enrollments": sum(e["status"] == "enrolled" for e in entries),
            "completed_programs": sum(e["status"] == "completed" for e in entries),
            "sessions_attended": sum(e["sessions_attended"] for e in entries),
            "sessions_missed": sum(e["sessions_missed"] for e in entries),
            "attention_required": sum(e["attention_required"] for e in entries),
            "enrollments": entries}
