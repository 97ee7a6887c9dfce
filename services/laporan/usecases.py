"""laporan's use cases: an owner's aggregate changed -> replica and the facts it attributes are
recounted (inside the consumed event's transaction); the monthly report from the kept counters."""
import calendar
from datetime import date, timedelta

from services.laporan import figures, keys
from services.laporan.repository import Figures, Tx

ENDING_AGREEMENT = ("active", "suspended", "expired")


def office_seen(tx: Tx, office: str, region: str) -> None:
    """Which region an office is in, from the events that name it: a national view sums per region."""
    tx.stage(lambda p: p.hset(keys.OFFICE_REGIONS, office, region))


def client_changed(tx: Tx, client: dict, region: str) -> None:
    office_seen(tx, client["bapas_office"], region)
    tx.put(keys.client(client["id"]), client)
    tx.recount(f"client:{client['id']}")
    tx.recount_dependents(client["id"])


def group_changed(tx: Tx, group: dict, sequence: int, region: str) -> None:
    """The name is not in pokmas's events (today): the worker reads it over HTTP, see sources.py."""
    office_seen(tx, group["bapas_office"], region)
    replica = {"id": group["id"], "bapas_office": group["bapas_office"]}
    changed = tx.get(keys.group(group["id"])) != replica
    tx.put(keys.group(group["id"]), replica)
    if group.get("name"):
        tx.stage(lambda p: p.hset(keys.GROUP_NAMES, group["id"], group["name"]))
    else:
        tx.stage(lambda p: p.hset(keys.NAMES_WANTED, group["id"], sequence))
    if changed:
        tx.recount_dependents(group["id"])


def agreement_changed(tx: Tx, agreement: dict) -> None:
    programs = agreement.pop("programs")
    tx.put(keys.agreement(agreement["id"]), agreement)
    tx.stage(lambda p: p.zadd(keys.AGREEMENTS_BY_END,
                              {agreement["id"]: int(agreement["valid_until"].replace("-", ""))}))
    for program in programs:
        replica = {"id": program["id"], "group_id": agreement["group_id"], "guidance_type": program["guidance_type"]}
        if tx.get(keys.program(program["id"])) != replica:
            tx.put(keys.program(program["id"]), replica)
            tx.recount_dependents(program["id"])


def enrollment_reads(enrollment: dict, session_id: str | None = None) -> tuple[list[str], list[str]]:
    """(string keys, hash keys) an enrollment's event reads: its replicas and its facts' counters."""
    e = enrollment["id"]
    strings = [keys.enrollment(e), keys.client(enrollment["client_id"]), keys.group(enrollment["group_id"]),
               keys.program(enrollment["program_id"]), keys.contributions(f"enrollment:{e}")]
    if session_id is None:
        return strings, []
    return strings + [keys.session(session_id), keys.contributions(f"mark:{e}:{session_id}"),
                      keys.contributions(f"session:{session_id}")], [keys.marks(e)]


def enrollment_changed(tx: Tx, enrollment: dict, maybe_missed_events: bool) -> None:
    """`maybe_missed_events`: this event's sequence skipped one not applied yet. That one may still
    come and be dropped as older, and with it an attendance mark the enrollment's state does not
    carry: the enrollment is marked suspect, and the worker reads its marks from bimbingan."""
    tx.put(keys.enrollment(enrollment["id"]), enrollment)
    tx.recount(f"enrollment:{enrollment['id']}")
    if maybe_missed_events:
        tx.sadd(keys.SUSPECT, enrollment["id"])


def attendance_recorded(tx: Tx, enrollment: dict, session_id: str, attendance: str,
                        maybe_missed_events: bool) -> None:
    enrollment_changed(tx, enrollment, maybe_missed_events)
    tx.hset(keys.marks(enrollment["id"]), session_id, attendance)
    tx.sadd(keys.session_marked(session_id), enrollment["id"])
    tx.recount(f"mark:{enrollment['id']}:{session_id}")
    tx.recount(f"session:{session_id}")


def marks_read_from_owner(tx: Tx, enrollment_id: str, marks: dict[str, str]) -> None:
    """Replace an enrollment's marks with bimbingan's own (the suspect enrollments' repair)."""
    before = dict(tx.hash(keys.marks(enrollment_id)))
    tx.hreplace(keys.marks(enrollment_id), marks)
    for session_id in sorted(set(before) | set(marks)):
        if session_id in marks:
            tx.sadd(keys.session_marked(session_id), enrollment_id)
        else:
            tx.srem(keys.session_marked(session_id), enrollment_id)
        tx.recount(f"mark:{enrollment_id}:{session_id}")
        tx.recount(f"session:{session_id}")
    tx.srem(keys.SUSPECT, enrollment_id)


def session_changed(tx: Tx, session: dict) -> None:
    tx.put(keys.session(session["id"]), session)
    tx.recount(f"session:{session['id']}")
    tx.recount_dependents(session["id"])


def reporting_outcome(tx: Tx, client_id: str, due: str, outcome: str) -> None:
    """One wajib lapor due date is kept or missed: one entry per due date, so it counts once."""
    tx.hset(keys.reporting(client_id), due, outcome)
    tx.recount(f"reporting:{client_id}:{due}")


def month_bounds(month: str) -> tuple[date, date]:
    year, number = int(month[:4]), int(month[5:])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def monthly_report(reader: Figures, office: str, month: str, produced_at: str) -> dict:
    first, last = month_bounds(month)
    groups = [figures.group(g, name, counts) for g, name, counts in reader.groups(office, month)]
    ending = [{"agreement_id": a["id"], "number": a["number"], "group_id": a["group_id"],
               "group_name": a["group_name"], "valid_until": a["valid_until"], "status": a["status"]}
              for a in reader.agreements_ending(first.isoformat(),
                                                (last + timedelta(days=figures.EXPIRY_WINDOW_DAYS)).isoformat())
              if a["status"] in ENDING_AGREEMENT and a["group"] and a["group"]["bapas_office"] == office]
    report = figures.monthly(office, month, reader.office_months(office, month), groups, ending)
    return {**report, "produced_at": produced_at}


def regions_report(reader: Figures, month: str, produced_at: str) -> dict:
    """Each region's figures (the sum of its offices') and the total: what a national view reports."""
    regions = reader.office_regions()
    offices = sorted({office for office, held in reader.held() if held <= month})
    by_office = {office: figures.monthly(office, month, reader.office_months(office, month), [], [])
                 for office in offices}
    return {**figures.by_region(month, by_office, regions), "produced_at": produced_at}
