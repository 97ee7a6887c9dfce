"""The home page: what the signed-in user needs first, by role."""
from collections import defaultdict
from datetime import timedelta

from flask import Blueprint, g, render_template

from services.portal import dates, labels
from services.portal.clients import ApiError, parallel

blp = Blueprint("beranda", __name__)
ENDING_WITHIN_DAYS = 30


@blp.get("/")
def home():
    if g.user.role == "partner":
        return _partner()
    if g.user.role == "auditor":
        return render_template("beranda/auditor.html")
    return _staff()


def _staff():
    """A PK: own caseload; a head of office (admin): the office's, per PK."""
    mine = {"officer_id": g.user.username} if g.user.role == "officer" else {}
    api = g.api
    got = parallel(
        caseload=lambda: api.klien.all("/clients", status="active", **mine),
        attention=lambda: _attention(api, mine),
        enrollments=lambda: api.bimbingan.all("/enrollments", status="enrolled"),
        programs=lambda: api.pokmas.all("/programs"),
    )
    caseload = got["caseload"].value_or([])
    if g.user.role == "admin" and g.user.bapas_office:
        caseload = [c for c in caseload if c["bapas_office"] == g.user.bapas_office]
    today = dates.today()
    horizon = (today + timedelta(days=ENDING_WITHIN_DAYS)).isoformat()
    ending = sorted((c for c in caseload if c["supervision_end"] <= horizon), key=lambda c: c["supervision_end"])
    ids = {c["id"] for c in caseload}
    attention = [c for c in got["attention"].value_or([]) if c["id"] in ids]
    sessions = _week_sessions(got["enrollments"].value_or([]), ids, today)
    programs = {p["id"]: p for p in got["programs"].value_or([])}
    return render_template(
        "beranda/pk.html", caseload=caseload, ending=ending, attention=attention,
        attention_missing=not got["attention"].ok, caseload_missing=not got["caseload"].ok,
        sessions=sessions, programs=programs, per_officer=_per_officer(caseload, ending, attention),
        week=dates.week_of(today), today=today, labels=labels, days=ENDING_WITHIN_DAYS)


def _attention(api, mine: dict) -> list:
    """Clients with an open attention flag, when klien offers that filter (otherwise the page says so)."""
    if not api.klien.offers("/clients", "attention"):
        raise ApiError(501, {"detail": "attention filter not offered"})
    return api.klien.all("/clients", status="active", attention="true", **mine)


def _week_sessions(enrollments: list, client_ids: set, today) -> list:
    """This week's sessions of the programs the caseload's clients are enrolled in (one call per program,
    all at once)."""
    program_ids = sorted({e["program_id"] for e in enrollments if e["client_id"] in client_ids})
    api = g.api
    got = parallel(**{pid: (lambda pid=pid: api.bimbingan.all("/sessions", program_id=pid)) for pid in program_ids})
    monday, sunday = dates.week_of(today)
    week = [s for outcome in got.values() for s in outcome.value_or([])
            if monday <= dates.local(s["starts_at"]).date() <= sunday]
    return sorted(week, key=lambda s: s["starts_at"])


def _per_officer(caseload, ending, attention) -> list:
    rows = defaultdict(lambda: {"caseload": 0, "ending": 0, "attention": 0})
    for key, clients in (("caseload", caseload), ("ending", ending), ("attention", attention)):
        for client in clients:
            rows[client["officer_id"]][key] += 1
    return sorted(rows.items())


def _partner():
    """A partner group: its programs and its sessions from today on (the services show it only its own)."""
    api, group_id = g.api, g.user.group_id
    got = parallel(programs=lambda: api.pokmas.all("/programs"),
                   sessions=lambda: api.bimbingan.all("/sessions"),
                   group=lambda: api.pokmas.get(f"/groups/{group_id}"))
    today = dates.today()
    monday, _sunday = dates.week_of(today)
    sessions = [s for s in got["sessions"].value_or([]) if dates.local(s["starts_at"]).date() >= monday]
    programs = {p["id"]: p for p in got["programs"].value_or([])}
    return render_template("beranda/mitra.html", group=got["group"].value_or(None), programs=programs,
                           sessions=sessions, today=today, labels=labels)
