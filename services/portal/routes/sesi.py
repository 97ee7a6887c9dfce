"""Sessions: the week, schedule, move, cancel; the attendance register and its offline sync."""
from datetime import timedelta

from flask import Blueprint, abort, current_app, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal import dates, labels
from services.portal.clients import ApiError, parallel
from services.portal.forms import ConfirmForm, ReasonForm, RescheduleForm, SessionForm
from services.portal.refusals import localise
from services.portal.routes.common import apply_problem, saved
from services.portal.security import WRITERS, roles

blp = Blueprint("sesi", __name__)


def _page(template: str, form, **context):
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, labels=labels, **context), status


@blp.get("/sesi")
def week():
    """A week of sessions (Monday to Sunday); ?minggu=YYYY-MM-DD picks the week."""
    day = dates.parse_date(request.args.get("minggu")) or dates.today()
    monday, sunday = dates.week_of(day)
    api = g.api
    got = parallel(sessions=lambda: api.bimbingan.all("/sessions"), programs=lambda: api.pokmas.all("/programs"))
    if not got["sessions"].ok:
        raise got["sessions"].error
    by_day = {monday + timedelta(days=i): [] for i in range(7)}
    for s in got["sessions"].value:
        day_of = dates.local(s["starts_at"]).date()
        if day_of in by_day:
            by_day[day_of].append(s)
    return render_template("bimbingan/minggu.html", by_day=by_day, monday=monday, sunday=sunday,
                           previous=monday - timedelta(days=7), next=monday + timedelta(days=7),
                           programs={p["id"]: p for p in got["programs"].value_or([])}, labels=labels)


@blp.route("/sesi/baru", methods=["GET", "POST"])
@roles(*WRITERS)
def schedule():
    programs = [p for p in g.api.pokmas.all("/programs") if p["agreement_status"] == "active"]
    form = SessionForm(program_id=request.args.get("program"))
    form.program_id.choices = [("", _("Choose…"))] + [(p["id"], p["name"]) for p in programs]
    if form.validate_on_submit():
        body = {"program_id": form.program_id.data, "starts_at": dates.instant_of(form.date.data, form.time.data),
                "topic": form.topic.data, "facilitator": form.facilitator.data, "delivery": form.delivery.data}
        try:
            session = g.api.bimbingan.post("/sessions", body)
        except ApiError as error:
            apply_problem(form, error, {"starts_at": "date"})
        else:
            saved(_("The session is scheduled."))
            return redirect(url_for("sesi.week", minggu=form.date.data.isoformat(), _anchor=session["id"]))
    return _page("bimbingan/sesi_baru.html", form)


def _session_with_program(session_id):
    api = g.api
    session = api.bimbingan.get(f"/sessions/{session_id}")
    program = parallel(p=lambda: api.pokmas.get(f"/programs/{session['program_id']}"))["p"].value_or(None)
    return session, program


@blp.route("/sesi/<uuid:session_id>/jadwal-ulang", methods=["GET", "POST"])
@roles(*WRITERS)
def reschedule(session_id):
    session, program = _session_with_program(session_id)
    if session["status"] != "scheduled":
        abort(404)
    form = RescheduleForm()
    if request.method == "GET":
        start = dates.local(session["starts_at"])
        form.date.data, form.time.data = start.date(), start.time().replace(second=0, microsecond=0)
    if form.validate_on_submit():
        body = {"starts_at": dates.instant_of(form.date.data, form.time.data), "reason": form.reason.data}
        try:
            g.api.bimbingan.post(f"/sessions/{session_id}/reschedule", body, version=session["version"])
        except ApiError as error:
            apply_problem(form, error, {"starts_at": "date"})
        else:
            saved(_("The session is moved."))
            return redirect(url_for("sesi.week", minggu=form.date.data.isoformat()))
    return _page("bimbingan/jadwal_ulang.html", form, session=session, program=program)


@blp.route("/sesi/<uuid:session_id>/batal", methods=["GET", "POST"])
@roles(*WRITERS)
def cancel(session_id):
    session, program = _session_with_program(session_id)
    if session["status"] != "scheduled":
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            g.api.bimbingan.post(f"/sessions/{session_id}/cancel", {"reason": form.reason.data},
                                 version=session["version"])
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(_("The session is cancelled; marks recorded in it no longer count."))
            return redirect(url_for("sesi.week", minggu=dates.local(session["starts_at"]).date().isoformat()))
    return _page("bimbingan/batal.html", form, session=session, program=program)


@blp.route("/sesi/<uuid:session_id>/presensi", methods=["GET", "POST"])
def attendance(session_id):
    """The register: every open participant of the session's program, one mark each."""
    if g.user.role == "auditor" and request.method == "POST":
        abort(403)
    api = g.api
    session = api.bimbingan.get(f"/sessions/{session_id}")
    got = parallel(program=lambda: api.pokmas.get(f"/programs/{session['program_id']}"),
                   enrollments=lambda: api.bimbingan.all("/enrollments", program_id=session["program_id"]))
    start = dates.local(session["starts_at"]).date().isoformat()
    enrollments = [e for e in got["enrollments"].value_or([])
                   if e["start_date"] <= start and (e["status"] == "enrolled" or (e.get("ended_on") or "") >= start)]
    names = parallel(**{e["client_id"]: (lambda cid=e["client_id"]: api.klien.get(f"/clients/{cid}"))
                        for e in enrollments})
    marks = {m["enrollment_id"]: m for m in session.get("attendance", [])}
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        records = _records(enrollments)
        if records:
            try:
                api.bimbingan.post(f"/sessions/{session_id}/attendance", {"records": records})
            except ApiError as error:
                apply_problem(form, error)
            else:
                saved(_("Attendance is saved for %(count)d participants.", count=len(records)))
                return redirect(url_for("sesi.attendance", session_id=session_id))
        else:
            form.form_errors.append(_("Choose a mark for at least one participant."))
    return _page("bimbingan/presensi.html", form, session=session, program=got["program"].value_or(None),
                 enrollments=enrollments, names={k: v.value_or(None) for k, v in names.items()}, marks=marks,
                 may_record=g.user.role in ("admin", "officer", "partner") and session["status"] == "scheduled")


@blp.post("/sesi/<uuid:session_id>/presensi/kirim")
def attendance_sync(session_id):
    """The offline register's batches (JSON, CSRF token in X-CSRFToken), passed on to bimbingan with
    their Idempotency-Key, so a batch sent twice is applied once."""
    if g.user.role not in ("admin", "officer", "partner"):
        abort(403)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        return jsonify(detail=_("Send the marks as {\"records\": [...]}.")), 400
    key = request.headers.get("Idempotency-Key")
    try:
        answer = g.api.bimbingan.post(f"/sessions/{session_id}/attendance", {"records": body["records"]},
                                      headers={"Idempotency-Key": key} if key else None)
    except ApiError as error:
        status = error.status if 400 <= error.status < 500 else 503
        return jsonify(detail=localise(error.detail), errors=error.field_errors), status
    return jsonify(recorded=len(answer.get("enrollments", [])))


@blp.get("/sw.js")
def service_worker():
    """The register's service worker, from the root so that its scope covers the register and the
    session list."""
    response = current_app.send_static_file("sw.js")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


def _records(enrollments) -> list:
    records = []
    for e in enrollments:
        mark = request.form.get(f"mark-{e['id']}")
        if mark in labels.ATTENDANCE:
            record = {"enrollment_id": e["id"], "attendance": mark}
            note = (request.form.get(f"note-{e['id']}") or "").strip()
            if note:
                record["note"] = note[:2000]
            behaviour = (request.form.get(f"behaviour-{e['id']}") or "").strip()
            if behaviour:
                record["behaviour_note"] = behaviour[:500]
            record["pk_should_know"] = request.form.get(f"flag-{e['id']}") == "1"
            records.append(record)
    return records
