"""Clients: search, a client's page, register, correct, end a supervision (with check-your-answers)."""
from flask import Blueprint, abort, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.portal import dates, labels, reporting
from services.portal.clients import ApiError, parallel
from services.portal.names import named
from services.portal.forms import ClientForm, ConfirmForm, EndSupervisionForm
from services.portal.routes.common import apply_problem, saved
from services.portal.security import STAFF, WRITERS, roles

blp = Blueprint("klien", __name__)
CLIENT_FIELDS = {"decree": "decree_number"}
SEARCH_FILTERS = ("q", "nik", "status", "supervision_type", "officer_id")


@blp.get("/klien")
@roles(*STAFF)
def search():
    filters = {k: request.args.get(k, "").strip() for k in SEARCH_FILTERS}
    query = {k: v for k, v in filters.items() if v}
    if "nik" in query and not g.api.klien.offers("/clients", "nik"):
        error = ApiError(422, {"errors": {"nik": [_("The client service does not offer search by NIK yet.")]}})
        return render_template("klien/cari.html", filters=filters, page=None, error=error, labels=labels)
    page, error = None, None
    try:
        page = g.api.klien.get("/clients", limit=50, cursor=request.args.get("cursor"), **query)
    except ApiError as refused:
        if refused.status != 422:
            raise
        error = refused
    return render_template("klien/cari.html", filters=filters, page=page, error=error, labels=labels)


@blp.get("/klien/<uuid:client_id>")
@roles(*STAFF)
def show(client_id):
    api, cid = g.api, str(client_id)
    # each enrollment with its attendance in the one call, where bimbingan lists them so (else a call each)
    with_marks = {"attendance": "true"} if api.bimbingan.offers("/enrollments", "attendance") else {}
    got = parallel(client=lambda: api.klien.get(f"/clients/{cid}"),
                   history=lambda: api.klien.get(f"/clients/{cid}/history", limit=100),
                   reporting=lambda: api.klien.get(f"/clients/{cid}/reporting", limit=500),
                   check_ins=lambda: api.klien.all(f"/clients/{cid}/check-ins"),
                   enrollments=lambda: api.bimbingan.all("/enrollments", client_id=cid, **with_marks))
    if not got["client"].ok:
        raise got["client"].error
    enrollments = got["enrollments"].value_or([])
    if not with_marks:
        enrollments = _with_attendance(api.bimbingan, enrollments)
    attendance = sorted(((mark, e) for e in enrollments for mark in e.get("attendance", [])),
                        key=lambda pair: pair[0]["starts_at"], reverse=True)
    programs, groups = named(api.pokmas, (got["client"].value.get("guidance") or {}).get("enrollments", []),
                                   {e["program_id"] for e in enrollments}, {e["group_id"] for e in enrollments})
    return render_template(
        "klien/halaman.html", client=got["client"].value, history=got["history"].value_or({"items": []})["items"],
        enrollments=enrollments, attendance=attendance, programs=programs, groups=groups,
        reporting=got["reporting"].value_or(None),
        dues=reporting.due_rows(got["reporting"].value_or({}), dates.today()),
        check_ins=reporting.recent_check_ins(got["check_ins"].value_or([])),
        partial=not all(o.ok for o in got.values()), labels=labels, form=ConfirmForm())


def _with_attendance(bimbingan, enrollments: list) -> list:
    """Each enrollment with its attendance, read one by one (GET by id)."""
    got = parallel(**{e["id"]: (lambda eid=e["id"]: bimbingan.get(f"/enrollments/{eid}")) for e in enrollments})
    return [{**e, "attendance": got[e["id"]].value_or({}).get("attendance", [])} for e in enrollments]


@blp.route("/klien/baru", methods=["GET", "POST"])
@roles(*WRITERS)
def register():
    form = ClientForm()
    if request.method == "GET":
        form.officer_id.data = g.user.username if g.user.role == "officer" else ""
        form.bapas_office.data = g.user.bapas_office
    if form.validate_on_submit():
        try:
            client = g.api.klien.post("/clients", form.body())
        except ApiError as error:
            apply_problem(form, error, CLIENT_FIELDS)
        else:
            saved(_("%(name)s is registered.", name=client["name"]))
            return redirect(url_for("klien.show", client_id=client["id"]))
    return _form_page(form, "klien/formulir.html", title=_("Register a client"))


@blp.route("/klien/<uuid:client_id>/ubah", methods=["GET", "POST"])
@roles(*WRITERS)
def correct(client_id):
    client = g.api.klien.get(f"/clients/{client_id}")
    form = ClientForm()
    if request.method == "GET":
        _fill(form, client)
    if form.validate_on_submit():
        changes = {k: v for k, v in form.body().items() if v != client.get(k)}
        try:
            if changes:
                g.api.klien.patch(f"/clients/{client_id}", changes,
                                  version=int(request.form.get("version") or client["version"]))
        except ApiError as error:
            apply_problem(form, error, CLIENT_FIELDS)
        else:
            saved(_("The client's record is corrected.") if changes else _("Nothing was changed."))
            return redirect(url_for("klien.show", client_id=client_id))
    return _form_page(form, "klien/formulir.html", title=_("Correct a client's record"), client=client)


def _fill(form: ClientForm, client: dict) -> None:
    for name in ("register_number", "name", "nik", "sex", "address", "supervision_type", "offence_category",
                 "officer_id", "bapas_office"):
        form[name].data = client.get(name)
    for name in ("birth_date", "supervision_start", "supervision_end"):
        form[name].data = dates.parse_date(client.get(name))
    decree = client.get("decree") or {}
    form.decree_number.data = decree.get("number")
    form.decree_date.data = dates.parse_date(decree.get("date"))


def _form_page(form, template: str, **context):
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, labels=labels, **context), status


@blp.route("/klien/<uuid:client_id>/akhiri", methods=["GET", "POST"])
@roles(*WRITERS)
def end(client_id):
    client = g.api.klien.get(f"/clients/{client_id}")
    if client["status"] != "active":
        abort(404)
    form = EndSupervisionForm(data=session.get(_end_key(client_id)) if request.method == "GET" else None)
    if form.validate_on_submit():
        session[_end_key(client_id)] = {"status": form.status.data, "reason": form.reason.data,
                                        "effective_date": form.effective_date.data.isoformat(),
                                        "version": client["version"]}
        return redirect(url_for("klien.end_check", client_id=client_id))
    return _form_page(form, "klien/akhiri.html", client=client)


def _end_key(client_id) -> str:
    return f"end:{client_id}"


@blp.route("/klien/<uuid:client_id>/akhiri/periksa", methods=["GET", "POST"])
@roles(*WRITERS)
def end_check(client_id):
    """Check your answers: ending a supervision cannot be undone from here."""
    answers = session.get(_end_key(client_id))
    if not answers:
        return redirect(url_for("klien.end", client_id=client_id))
    client = g.api.klien.get(f"/clients/{client_id}")
    form = ConfirmForm()
    if form.validate_on_submit():
        body = {k: answers[k] for k in ("status", "reason", "effective_date")}
        try:
            g.api.klien.post(f"/clients/{client_id}/status", body, version=answers["version"])
        except ApiError as error:
            apply_problem(form, error)
        else:
            session.pop(_end_key(client_id), None)
            saved(_("The supervision has ended: %(status)s.", status=labels.label(labels.CLIENT_STATUS,
                                                                                  body["status"])))
            return redirect(url_for("klien.show", client_id=client_id))
    return _form_page(form, "klien/periksa.html", client=client, answers=answers)
