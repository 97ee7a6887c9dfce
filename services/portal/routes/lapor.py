"""Wajib lapor of one client: set or change the reporting schedule, record a check-in, and clear the
attention flag three missed reports raised (with check-your-answers: klien closes a flag for good)."""
import uuid

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for
from flask_babel import gettext as _

from services.portal import dates, labels
from services.portal.clients import ApiError, parallel
from services.portal.forms import AttentionForm, CheckInForm, ConfirmForm, ScheduleForm
from services.portal.routes.common import apply_problem, form_page, saved
from services.portal.security import WRITERS, roles

blp = Blueprint("lapor", __name__)


def _client_and_reporting(client_id) -> tuple[dict, dict]:
    """The active client and its reporting record (summary and the first due date), in one round."""
    api, cid = g.api, str(client_id)
    got = parallel(client=lambda: api.klien.get(f"/clients/{cid}"),
                   reporting=lambda: api.klien.get(f"/clients/{cid}/reporting", limit=1))
    for outcome in got.values():
        if not outcome.ok:
            raise outcome.error
    client = got["client"].value
    if client["status"] != "active":
        abort(404)                        # klien keeps no schedule and takes no check-in for an ended client
    return client, got["reporting"].value


@blp.route("/klien/<uuid:client_id>/jadwal-lapor", methods=["GET", "POST"])
@roles(*WRITERS)
def schedule(client_id):
    client, reporting = _client_and_reporting(client_id)
    form = ScheduleForm()
    if request.method == "GET":
        form.frequency.data = reporting.get("frequency")
        # klien takes a first due date from today on: a late open date is offered as today
        form.first_due.data = max(dates.parse_date(reporting.get("next_due")) or dates.today(), dates.today())
    if form.validate_on_submit():
        body = {"frequency": form.frequency.data, "first_due": form.first_due.data.isoformat()}
        try:
            g.api.klien.put(f"/clients/{client_id}/reporting", body,
                            version=int(request.form.get("version") or reporting["version"]))
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(_("The reporting schedule is set: %(frequency)s from %(date)s.",
                    frequency=labels.label(labels.FREQUENCIES, body["frequency"]).lower(),
                    date=_date_text(form.first_due.data)))
            return redirect(url_for("klien.show", client_id=client_id, _anchor="wajib-lapor"))
    return form_page("lapor/jadwal.html", form, client=client, reporting=reporting)


@blp.route("/klien/<uuid:client_id>/lapor", methods=["GET", "POST"])
@roles(*WRITERS)
def check_in(client_id):
    client, reporting = _client_and_reporting(client_id)
    form = CheckInForm()
    if request.method == "GET":
        form.date.data = dates.today()
        form.kind.data = "lapor_diri"
        form.key.data = str(uuid.uuid4())
    if form.validate_on_submit():
        body = {"date": form.date.data.isoformat(), "kind": form.kind.data}
        if (form.note.data or "").strip():
            body["note"] = form.note.data.strip()
        try:
            recorded = g.api.klien.post(f"/clients/{client_id}/check-ins", body,
                                        headers=_idempotency(form.key.data))
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(_("The check-in of %(date)s is recorded; it kept the report due on %(due)s.",
                    date=_date_text(form.date.data), due=_date_text(dates.parse_date(recorded["kept_due"])))
                  if recorded.get("kept_due") else
                  _("The check-in of %(date)s is recorded; no open report was due then, so it kept none.",
                    date=_date_text(form.date.data)))
            return redirect(url_for("klien.show", client_id=client_id, _anchor="wajib-lapor"))
    return form_page("lapor/lapor.html", form, client=client, reporting=reporting)


def _idempotency(key: str | None) -> dict | None:
    try:
        return {"Idempotency-Key": str(uuid.UUID(key))} if key else None
    except ValueError:
        return None                       # a key that is not ours is not sent: the check-in is still recorded


def _date_text(day) -> str:
    """As the pages write a date (the `tanggal` filter), for a message shown on the next page."""
    return current_app.jinja_env.filters["tanggal"](day)


def _attention_key(client_id) -> str:
    return f"attention:{client_id}"


@blp.route("/klien/<uuid:client_id>/perhatian", methods=["GET", "POST"])
@roles(*WRITERS)
def attention(client_id):
    client, reporting = _client_and_reporting(client_id)
    if not reporting.get("attention"):
        abort(404)                        # klien clears only an open flag
    answers = session.get(_attention_key(client_id)) if request.method == "GET" else None
    form = AttentionForm(data=answers)
    if form.validate_on_submit():
        session[_attention_key(client_id)] = {"note": form.note.data.strip(), "version": reporting["version"]}
        return redirect(url_for("lapor.attention_check", client_id=client_id))
    return form_page("lapor/perhatian.html", form, client=client, reporting=reporting)


@blp.route("/klien/<uuid:client_id>/perhatian/periksa", methods=["GET", "POST"])
@roles(*WRITERS)
def attention_check(client_id):
    """Check your answers: a cleared flag is closed for good; a new one needs three more missed reports."""
    answers = session.get(_attention_key(client_id))
    if not answers:
        return redirect(url_for("lapor.attention", client_id=client_id))
    client, reporting = _client_and_reporting(client_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            g.api.klien.post(f"/clients/{client_id}/attention/clear", {"note": answers["note"]},
                             version=answers["version"])
        except ApiError as error:
            apply_problem(form, error)
        else:
            session.pop(_attention_key(client_id), None)
            saved(_("The wajib lapor attention flag is cleared."))
            return redirect(url_for("klien.show", client_id=client_id, _anchor="wajib-lapor"))
    return form_page("lapor/perhatian_periksa.html", form, client=client, reporting=reporting, answers=answers)
