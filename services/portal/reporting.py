"""What the pages show of wajib lapor, from klien's answers: the due dates around today on a client's page,
and the order of the caseload's reports due this week on the home page. Pure: today comes in as an argument."""
from dataclasses import dataclass
from datetime import date, timedelta

PAST_SHOWN = 6          # settled or late due dates shown on a client's page, the latest ones
UPCOMING_SHOWN = 3      # due dates still ahead
CHECK_INS_SHOWN = 10


@dataclass(frozen=True)
class DueRow:
    date: str
    status: str                 # due, kept, missed: as klien answers
    late: bool                  # due, the day passed, still within its grace days
    grace_until: str | None
    check_in: dict | None


def due_rows(reporting: dict, today: date) -> list[DueRow]:
    """The latest due dates up to today and the next ones after it, in date order."""
    grace = reporting.get("grace_days") or 0
    rows = [DueRow(item["date"], item["status"], item["status"] == "due" and item["date"] < today.isoformat(),
                   (date.fromisoformat(item["date"]) + timedelta(days=grace)).isoformat(), item.get("check_in"))
            for item in reporting.get("items", [])]
    past = [row for row in rows if row.date <= today.isoformat()]
    ahead = [row for row in rows if row.date > today.isoformat()]
    return past[-PAST_SHOWN:] + ahead[:UPCOMING_SHOWN]


def recent_check_ins(check_ins: list) -> list:
    """The latest check-ins first (klien lists them oldest first)."""
    return sorted(check_ins, key=lambda c: (c["date"], c.get("recorded_at") or ""), reverse=True)[:CHECK_INS_SHOWN]


def soonest_first(due: list) -> list:
    """The clients klien listed as due (GET /clients?report_due_by=), soonest due date first, then by name."""
    return sorted(due, key=lambda client: (client["next_report_due"], client["name"]))
