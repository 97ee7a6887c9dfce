"""Guidance of one client: enroll in an open program, complete with an outcome, withdraw with a reason."""
from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal import labels
from services.portal.clients import ApiError, parallel
from services.portal.forms import CompleteForm, EnrollForm, WithdrawForm
from services.portal.routes.common import apply_problem, saved
from services.portal.security import WRITERS, roles

blp = Blueprint("bimbingan", __name__)


def _page(template: str, form, **context):
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, labels=labels, **context), status


@blp.route("/klien/<uuid:client_id>/ikutkan", methods=["GET", "POST"])
@roles(*WRITERS)
def enroll(client_id):
    """Only programs with a free place under an active PKS are offered (pokmas's open=true)."""
    api = g.api
    got = parallel(client=lambda: api.klien.get(f"/clients/{client_id}"),
                   programs=lambda: api.pokmas.all("/programs", open="true"),
                   groups=lambda: api.pokmas.all("/groups"))
    if not got["client"].ok:
        raise got["client"].error
    client, programs = got["client"].value, got["programs"].value_or([])
    groups = {gr["id"]: gr for gr in got["groups"].value_or([])}
    form = EnrollForm()
    form.program_id.choices = [(p["id"], p["name"]) for p in programs]
    if form.validate_on_submit():
        body = {"client_id": str(client_id), "program_id": form.program_id.data}
        if form.start_date.data:
            body["start_date"] = form.start_date.data.isoformat()
        if form.note.data:
            body["note"] = form.note.data
        try:
            api.bimbingan.post("/enrollments", body)
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(_("%(name)s is enrolled.", name=client["name"]))
            return redirect(url_for("klien.show", client_id=client_id))
    return _page("bimbingan/ikutkan.html", form, client=client, programs=programs, groups=groups,
                 programs_missing=not got["programs"].ok)


def _enrollment_page(enrollment_id, form_class, template, action, done):
    api = g.api
    enrollment = api.bimbingan.get(f"/enrollments/{enrollment_id}")
    got = parallel(client=lambda: api.klien.get(f"/clients/{enrollment['client_id']}"),
                   program=lambda: api.pokmas.get(f"/programs/{enrollment['program_id']}"))
    if enrollment["status"] != "enrolled":
        abort(404)
    form = form_class()
    if form.validate_on_submit():
        body = {k: v for k, v in form.data.items() if k != "csrf_token" and v}
        try:
            api.bimbingan.post(f"/enrollments/{enrollment_id}/{action}", body, version=enrollment["version"])
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(done)
            return redirect(url_for("klien.show", client_id=enrollment["client_id"]))
    return _page(template, form, enrollment=enrollment, client=got["client"].value_or(None),
                 program=got["program"].value_or(None))


@blp.route("/bimbingan/<uuid:enrollment_id>/selesai", methods=["GET", "POST"])
@roles(*WRITERS)
def complete(enrollment_id):
    return _enrollment_page(enrollment_id, CompleteForm, "bimbingan/selesai.html", "complete",
                            _("The enrollment is completed."))


@blp.route("/bimbingan/<uuid:enrollment_id>/keluarkan", methods=["GET", "POST"])
@roles(*WRITERS)
def withdraw(enrollment_id):
    return _enrollment_page(enrollment_id, WithdrawForm, "bimbingan/keluarkan.html", "withdraw",
                            _("The client is withdrawn from the program."))
