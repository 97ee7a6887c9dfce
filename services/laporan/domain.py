"""What each fact counts for, and in which month and office: pure.

laporan keeps one entry per fact (a client, an enrollment, a session, one attendance mark, one
wajib lapor outcome), each overwritten with the newest state its events carry. A fact's
*contributions* are the counters it adds one to; when a fact or anything it is attributed by (the
client's office, the session's date, the group's office, the program's guidance type) changes, the
repository takes the old contributions away and adds the new ones in the same transaction. So every
counter always equals what a count over the entries would give: a duplicate or late event changes
nothing, and a month changes only when a fact of that month really changed.

A contribution is a tuple:
  ("office", office, month, figure)          a figure of the office's monthly report
  ("group", group_id, month, figure)         a figure of one group in the month
  ("participant", group_id, month, client)   a client who attended one of the group's sessions
  ("office_group", office, month, group_id)  the group has figures in the office's month
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

ENDED_CLIENT = ("completed", "revoked", "transferred")
SUPERVISION_TYPES = ("PB", "CB", "CMB", "ASIMILASI", "PIDANA_BERSYARAT", "DIVERSI")
GUIDANCE_TYPES = ("kepribadian", "kemandirian")
ATTENDANCE = ("present", "late", "absent", "excused")
ATTENDED = ("present", "late")
OUTCOMES = ("achieved", "partially_achieved", "not_achieved")
CANCELLED = "cancelled"


def month_of(day: str) -> str:
    """YYYY-MM of an ISO date."""
    return date.fromisoformat(day).strftime("%Y-%m")


def month_of_instant(instant: str, tz: ZoneInfo) -> str:
    """YYYY-MM of an RFC 3339 instant, on the calendar of the deployment's time zone."""
    return datetime.fromisoformat(instant.replace("Z", "+00:00")).astimezone(tz).strftime("%Y-%m")


def _ended_month(start_month: str, ended_on: str | None) -> str:
    """An end dated before the start (a record corrected backwards) counts in the start's month, so the
    running totals never go below zero."""
    return max(start_month, month_of(ended_on)) if ended_on else start_month


def client_contributions(client: dict) -> list[tuple]:
    office, kind = client["bapas_office"], client["supervision_type"]
    started = month_of(client["supervision_start"])
    out = [("office", office, started, "clients.started"), ("office", office, started, f"clients.started.{kind}")]
    if client["status"] in ENDED_CLIENT:
        ended = _ended_month(started, client.get("status_effective_date"))
        out += [("office", office, ended, f"clients.ended.{client['status']}"),
                ("office", office, ended, f"clients.ended_type.{kind}")]
    return out


def enrollment_contributions(enrollment: dict, client: dict | None, group: dict | None,
                             program: dict | None) -> list[tuple]:
    """Enrollment figures go to the client's office; a completion also counts for the group, in its office."""
    started = month_of(enrollment["start_date"])
    status = enrollment["status"]
    ended = _ended_month(started, enrollment.get("ended_on")) if status != "enrolled" else None
    guidance = program["guidance_type"] if program else None
    out = []
    if client:
        office = client["bapas_office"]
        out.append(("office", office, started, "enrollments.created"))
        if guidance:
            out.append(("office", office, started, f"guidance.{guidance}.enrollments_created"))
        if ended:
            out.append(("office", office, ended, f"enrollments.{status}"))
            if guidance:
                out.append(("office", office, ended, f"guidance.{guidance}.enrollments_{status}"))
    if group and status == "completed":
        group_id = enrollment["group_id"]
        out += [("group", group_id, ended, "completed"), ("office_group", group["bapas_office"], ended, group_id)]
        if enrollment.get("outcome") in OUTCOMES:
            out.append(("group", group_id, ended, f"outcome.{enrollment['outcome']}"))
    return out


def session_contributions(session: dict | None, marked: bool, group: dict | None, program: dict | None,
                          tz: ZoneInfo) -> list[tuple]:
    """A session is held when it was not cancelled and attendance was recorded for it (attendance is
    refused before a session starts); it counts in the month it took place, in the group's office."""
    if session is None or group is None or not marked or session["status"] == CANCELLED:
        return []
    month, group_id, office = month_of_instant(session["starts_at"], tz), session["group_id"], group["bapas_office"]
    out = [("group", group_id, month, "sessions_held"), ("office_group", office, month, group_id),
           ("office", office, month, "sessions_held")]
    if program:
        out.append(("office", office, month, f"guidance.{program['guidance_type']}.sessions_held"))
    return out


def mark_contributions(kind: str, enrollment: dict, session: dict | None, client: dict | None,
                       group: dict | None, program: dict | None, tz: ZoneInfo) -> list[tuple]:
    """One attendance mark: in the month of its session, for the client's office and for the group.
    A mark of a cancelled session no longer counts."""
    if session is None or session["status"] == CANCELLED:
        return []
    month = month_of_instant(session["starts_at"], tz)
    out = []
    if client:
        out.append(("office", client["bapas_office"], month, f"attendance.{kind}"))
        if program:
            out.append(("office", client["bapas_office"], month,
                        f"guidance.{program['guidance_type']}.attendance.{kind}"))
    if group:
        group_id = enrollment["group_id"]
        out += [("group", group_id, month, f"marks.{kind}"), ("office_group", group["bapas_office"], month, group_id)]
        if kind in ATTENDED:
            out.append(("participant", group_id, month, enrollment["client_id"]))
    return out


def reporting_contributions(outcome: str, day: str, client: dict | None) -> list[tuple]:
    """A wajib lapor due date kept or missed, in the month of its date, for the client's office."""
    if client is None:
        return []
    return [("office", client["bapas_office"], month_of(day), f"reporting.{outcome}")]


def changes(before: list[tuple], after: list[tuple]) -> list[tuple[tuple, int]]:
    """(contribution, +1 or -1) to turn the counters of `before` into those of `after`."""
    gone, added = list(before), []
    for item in after:
        if item in gone:
            gone.remove(item)
        else:
            added.append(item)
    return [(item, -1) for item in gone] + [(item, 1) for item in added]
