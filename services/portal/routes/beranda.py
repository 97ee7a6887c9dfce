"""The home page: what the signed-in user needs first, by role."""
from collections import defaultdict
from datetime import timedelta

from flask import Blueprint, g, render_template

from services.portal import dates, labels, reporting
from services.portal.clients import ApiError, parallel
from services.portal.names import named

blp = Blueprint("beranda", __name__)
ENDING_WITHIN_DAYS = 30
FEEDBACK_DAYS = 28                 # flagged feedback of the last four weeks
MAX_FEEDBACK_ENROLLMENTS = 200     # a head of office's home reads at most this many enrollments
IDS_PER_CALL = 50                  # enrollments bimbingan lists by id in one call (its MAX_LISTED_IDS)


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
    today = dates.today()
    # A PK's caseload comes with its guidance view when klien offers it: its open enrollments without
    # reading the region's (which grows with the region, and past MAX_PAGES would be cut short).
    with_guidance = bool(mine) and api.klien.offers("/clients", "guidance")
    # ... and each client with its next_report_due, the date klien's due lists are kept by: a PK's reports due
    # this week are in the caseload already, no second list (a head of office's caseload is the region's).
    due_in_caseload = with_guidance and api.klien.offers("/clients", "report_due_by")
    sunday = dates.week_of(today)[1]
    calls = dict(
        caseload=lambda: api.klien.all("/clients", status="active", **mine,
                                       **({"guidance": "true"} if with_guidance else {})),
        attention=lambda: _attention(api, mine),
    )
    if not due_in_caseload:
        calls["due"] = lambda: _due(api, mine, sunday)
    if not with_guidance:   # the programs are named from the caseload's guidance otherwise (`names`)
        calls["enrollments"] = lambda: api.bimbingan.all("/enrollments", status="enrolled")
        calls["programs"] = lambda: api.pokmas.all("/programs")
    got = parallel(**calls)
    caseload = _in_office(got["caseload"].value_or([]))
    got_due = got["caseload"] if due_in_caseload else got["due"]
    due = _due_in(caseload, sunday) if due_in_caseload else _in_office(got_due.value_or([]))
    horizon = (today + timedelta(days=ENDING_WITHIN_DAYS)).isoformat()
    ending = sorted((c for c in caseload if c["supervision_end"] <= horizon), key=lambda c: c["supervision_end"])
    ids = {c["id"] for c in caseload}
    attention = [c for c in got["attention"].value_or([]) if c["id"] in ids]
    mine_open = _open_enrollments(caseload) if with_guidance else \
        [e for e in got["enrollments"].value_or([]) if e["client_id"] in ids]
    sessions, flagged = _second_round(mine_open, today)
    due = reporting.soonest_first(due)
    programs = named(api.pokmas, _guidance_entries(caseload), {s["program_id"] for s in sessions})[0] \
        if with_guidance else {p["id"]: p for p in got["programs"].value_or([])}
    names = {c["id"]: c for c in caseload}
    return render_template(
        "beranda/pk.html", caseload=caseload, ending=ending, attention=attention,
        attention_missing=not got["attention"].ok, caseload_missing=not got["caseload"].ok,
        sessions=sessions, programs=programs, per_officer=_per_officer(caseload, ending, attention, due),
        due=due, due_missing=not got_due.ok,
        flagged=[(mark, names[e["client_id"]]) for mark, e in flagged],
        week=dates.week_of(today), today=today, labels=labels.in_language(), days=ENDING_WITHIN_DAYS)


def _guidance_entries(caseload: list) -> list:
    """Every enrollment entry of the caseload's guidance views (as klien lists them), with its client's id."""
    return [{**e, "client_id": c["id"]} for c in caseload for e in (c.get("guidance") or {}).get("enrollments", [])]


def _open_enrollments(caseload: list) -> list:
    """The open enrollments of the caseload, from each client's guidance view (as klien lists it)."""
    return [{"id": e["enrollment_id"], "client_id": e["client_id"], "program_id": e["program_id"],
             "group_id": e.get("group_id")} for e in _guidance_entries(caseload) if e["status"] == "enrolled"]


def _in_office(clients: list) -> list:
    """A head of office's home counts its own office's clients (klien lists the region's)."""
    if g.user.role == "admin" and g.user.bapas_office:
        return [c for c in clients if c["bapas_office"] == g.user.bapas_office]
    return clients


def _second_round(enrollments: list, today):
    """What needs the first round's answers: this week's sessions of the caseload's programs and the partners'
    flagged feedback of the last FEEDBACK_DAYS. Where bimbingan lists enrollments by id with their attendance,
    a few calls (`_listed_round`); else one call per program lists its sessions from FEEDBACK_DAYS ago to this
    Sunday, and the feedback comes from whichever is fewer calls: each past session with its attendance (a few
    per program), or each open enrollment with its attendance (one per enrollment)."""
    api = g.api
    if api.bimbingan.offers("/enrollments", "id") and api.bimbingan.offers("/enrollments", "attendance_from"):
        return _listed_round(api, enrollments, today)
    program_ids = sorted({e["program_id"] for e in enrollments})
    monday, sunday = dates.week_of(today)
    since = today - timedelta(days=FEEDBACK_DAYS)
    days = {"from": min(monday, since).isoformat(), "to": sunday.isoformat()}  # not every session ever held
    listed = parallel(**{pid: (lambda pid=pid: api.bimbingan.all("/sessions", program_id=pid, **days))
                         for pid in program_ids})
    sessions = [s for pid in program_ids for s in listed[pid].value_or([])]
    week = sorted((s for s in sessions if monday <= dates.local(s["starts_at"]).date() <= sunday),
                  key=lambda s: s["starts_at"])
    held = [s for s in sessions if since <= dates.local(s["starts_at"]).date() <= today]
    if all(listed[pid].ok for pid in program_ids) and len(held) < min(len(enrollments), MAX_FEEDBACK_ENROLLMENTS):
        marks = _marks_by_session(held, {e["id"]: e for e in enrollments})
    else:
        marks = _marks_by_enrollment(enrollments[:MAX_FEEDBACK_ENROLLMENTS])
    flagged = [(mark, e) for mark, e in marks
               if mark.get("pk_should_know") and mark["starts_at"][:10] >= since.isoformat()]
    return week, sorted(flagged, key=lambda pair: pair[0]["starts_at"], reverse=True)


def _listed_round(api, enrollments: list, today):
    """The second round in calls that do not grow with the caseload, all at once: this week's sessions, one
    call per partner group of the open enrollments (per program where bimbingan cannot filter sessions by
    group), and the open enrollments with their marks of the last FEEDBACK_DAYS, IDS_PER_CALL a call."""
    bimbingan = api.bimbingan  # the calls run in other threads, without flask.g
    monday, sunday = dates.week_of(today)
    since = today - timedelta(days=FEEDBACK_DAYS)
    week = {"from": monday.isoformat(), "to": sunday.isoformat()}
    by = "group_id" if all(e.get("group_id") for e in enrollments) and bimbingan.offers("/sessions", "group_id") \
        else "program_id"
    listed_by = sorted({e[by] for e in enrollments})
    wanted = enrollments[:MAX_FEEDBACK_ENROLLMENTS]
    chunks = [wanted[n:n + IDS_PER_CALL] for n in range(0, len(wanted), IDS_PER_CALL)]
    calls = {f"sessions {key}": (lambda key=key: bimbingan.all("/sessions", **{by: key}, **week)) for key in listed_by}
    marks = {"attendance_from": since.isoformat(),   # only the flagged marks, where bimbingan can leave the rest
             **({"attendance_flagged": "true"} if bimbingan.offers("/enrollments", "attendance_flagged") else {})}
    calls.update({f"marks {n}": (lambda chunk=chunk: bimbingan.all("/enrollments", id=[e["id"] for e in chunk],
                                                                   **marks)) for n, chunk in enumerate(chunks)})
    got = parallel(**calls)
    program_ids = {e["program_id"] for e in enrollments}
    sessions = [s for key in listed_by for s in got[f"sessions {key}"].value_or([]) if s["program_id"] in program_ids]
    this_week = sorted((s for s in sessions if monday <= dates.local(s["starts_at"]).date() <= sunday),
                       key=lambda s: (s["starts_at"], s["program_id"], s["id"]))
    listed = {item["id"]: item for n in range(len(chunks)) for item in got[f"marks {n}"].value_or([])}
    flagged = sorted(((mark, e) for e in wanted for mark in listed.get(e["id"], {}).get("attendance", [])
                      if mark.get("pk_should_know") and mark["starts_at"][:10] >= since.isoformat()),
                     key=lambda pair: (pair[1]["program_id"], pair[0]["session_id"], pair[1]["id"]))
    # newest first; within a session, in the order the per-session read gave them
    return this_week, sorted(flagged, key=lambda pair: pair[0]["starts_at"], reverse=True)


def _marks_by_session(held: list, enrollments: dict) -> list:
    """(mark, enrollment) of the caseload's open enrollments, from each held session's attendance."""
    bimbingan = g.api.bimbingan  # the calls run in other threads, without flask.g
    got = parallel(**{s["id"]: (lambda sid=s["id"]: bimbingan.get(f"/sessions/{sid}")) for s in held})
    return [(mark, enrollments[mark["enrollment_id"]]) for s in held
            for mark in got[s["id"]].value_or({}).get("attendance", []) if mark.get("enrollment_id") in enrollments]


def _marks_by_enrollment(enrollments: list) -> list:
    """(mark, enrollment) from each open enrollment's attendance."""
    bimbingan = g.api.bimbingan  # the calls run in other threads, without flask.g
    got = parallel(**{e["id"]: (lambda eid=e["id"]: bimbingan.get(f"/enrollments/{eid}")) for e in enrollments})
    return [(mark, e) for e in enrollments for mark in got[e["id"]].value_or({}).get("attendance", [])]


def _attention(api, mine: dict) -> list:
    """Clients with an open attention flag, when klien offers that filter (otherwise the page says so)."""
    if not api.klien.offers("/clients", "attention"):
        raise ApiError(501, {"detail": "attention filter not offered"})
    return api.klien.all("/clients", status="active", attention="true", **mine)


def _due(api, mine: dict, sunday) -> list:
    """The clients whose earliest open report falls due by `sunday` (the late ones still open among them),
    each with its next_report_due: klien lists them by that date, so no call per client."""
    if not api.klien.offers("/clients", "report_due_by"):
        raise ApiError(501, {"detail": "report_due_by filter not offered"})
    return api.klien.all("/clients", status="active", report_due_by=sunday.isoformat(), **mine)


def _due_in(caseload: list, sunday) -> list:
    """The caseload's clients whose earliest open report falls due by `sunday` (the late ones still open among
    them): what `_due` asks klien for, read off the next_report_due each listed client carries, in the order
    klien's due list has (due date, then id)."""
    return sorted((c for c in caseload if c.get("next_report_due") and c["next_report_due"] <= sunday.isoformat()),
                  key=lambda c: (c["next_report_due"], c["id"]))


def _per_officer(caseload, ending, attention, due) -> list:
    rows = defaultdict(lambda: {"caseload": 0, "ending": 0, "attention": 0, "due": 0})
    for key, clients in (("caseload", caseload), ("ending", ending), ("attention", attention),
                         ("due", due)):
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
