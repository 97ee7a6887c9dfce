"""The monthly report from the kept counters: pure.

Flow figures (registered, ended, created, completed, attendance...) are the month's own counters.
Stock figures (`active_at_end`) are running totals: everything that started up to the end of the
month minus everything that ended up to then, so they need the counters of the earlier months too.
"""
from services.laporan.domain import ATTENDANCE, ATTENDED, ENDED_CLIENT, GUIDANCE_TYPES, OUTCOMES, SUPERVISION_TYPES

EXPIRY_WINDOW_DAYS = 60


def _running(by_month: dict[str, dict], month: str, plus: list[str], minus: list[str]) -> int:
    total = 0
    for key, counts in by_month.items():
        if key <= month:
            total += sum(counts.get(f, 0) for f in plus) - sum(counts.get(f, 0) for f in minus)
    return total


def clients(by_month: dict[str, dict], month: str) -> dict:
    now = by_month.get(month, {})
    by_type = {kind: _running(by_month, month, [f"clients.started.{kind}"], [f"clients.ended_type.{kind}"])
               for kind in SUPERVISION_TYPES}
    return {"registered": now.get("clients.started", 0),
            "active_at_end": _running(by_month, month, ["clients.started"],
                                      [f"clients.ended.{status}" for status in ENDED_CLIENT]),
            "ended": {status: now.get(f"clients.ended.{status}", 0) for status in ENDED_CLIENT},
            "by_supervision_type": by_type}


def enrollments(by_month: dict[str, dict], month: str) -> dict:
    now = by_month.get(month, {})
    return {"created": now.get("enrollments.created", 0), "completed": now.get("enrollments.completed", 0),
            "withdrawn": now.get("enrollments.withdrawn", 0),
            "active_at_end": _running(by_month, month, ["enrollments.created"],
                                      ["enrollments.completed", "enrollments.withdrawn"])}


def by_guidance_type(now: dict) -> dict:
    return {kind: {"enrollments_created": now.get(f"guidance.{kind}.enrollments_created", 0),
                   "enrollments_completed": now.get(f"guidance.{kind}.enrollments_completed", 0),
                   "enrollments_withdrawn": now.get(f"guidance.{kind}.enrollments_withdrawn", 0),
                   "sessions_held": now.get(f"guidance.{kind}.sessions_held", 0),
                   "attendance": {a: now.get(f"guidance.{kind}.attendance.{a}", 0) for a in ATTENDANCE}}
            for kind in GUIDANCE_TYPES}


def attendance_rate(marks: dict) -> float | None:
    """Present or late over the marks that count for attendance (excused is neither kept nor missed)."""
    attended = sum(marks.get(a, 0) for a in ATTENDED)
    counted = attended + marks.get("absent", 0)
    return round(attended / counted, 4) if counted else None


def group(group_id: str, name: str | None, counts: dict) -> dict:
    marks = {a: counts.get(f"marks.{a}", 0) for a in ATTENDANCE}
    return {"group_id": group_id, "name": name, "sessions_held": counts.get("sessions_held", 0),
            "participants": counts.get("participants", 0), "attendance_rate": attendance_rate(marks),
            "completed": counts.get("completed", 0), "attendance": marks,
            "outcomes": {o: counts.get(f"outcome.{o}", 0) for o in OUTCOMES}}


def monthly(office: str, month: str, by_month: dict[str, dict], groups: list[dict], expiring: list[dict]) -> dict:
    now = by_month.get(month, {})
    return {"month": month, "bapas_office": office,
            "clients": clients(by_month, month), "enrollments": enrollments(by_month, month),
            "attendance": {a: now.get(f"attendance.{a}", 0) for a in ATTENDANCE},
            "reporting": {"kept": now.get("reporting.kept", 0), "missed": now.get("reporting.missed", 0)},
            "sessions_held": now.get("sessions_held", 0),
            "by_guidance_type": by_guidance_type(now),
            "groups": sorted(groups, key=lambda g: ((g["name"] or "").lower(), g["group_id"])),
            "agreements_expiring": expiring}


SUMMED = ("clients", "enrollments", "attendance", "reporting", "sessions_held", "by_guidance_type")


def _sum(values: list):
    """Add counters of the same shape: integers, or dicts of them at any depth."""
    if isinstance(values[0], dict):
        return {key: _sum([value[key] for value in values]) for key in values[0]}
    return sum(values)


def by_region(month: str, by_office: dict[str, dict], regions: dict[str, str]) -> dict:
    """The offices' monthly figures summed per region (an office no event has placed yet: `unknown`)
    and over every office."""
    grouped: dict[str, list[str]] = {}
    for office in sorted(by_office):
        grouped.setdefault(regions.get(office, "unknown"), []).append(office)

    def summed(offices: list[str]) -> dict:
        reports = [by_office[office] for office in offices] or [monthly("", month, {}, [], [])]
        return {"offices": offices, **{part: _sum([report[part] for report in reports]) for part in SUMMED}}

    regions = [{"region": region, **summed(offices)} for region, offices in sorted(grouped.items())]
    return {"month": month, "regions": regions, "total": summed(sorted(by_office))}
