"""The partners' side for staff: groups, agreements (PKS) with their programs, and the admin's actions."""
from datetime import timedelta

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from services.portal import dates, labels
from services.portal.clients import ApiError, parallel
from services.portal.forms import AgreementForm, ConfirmForm, GroupForm, ReasonForm
from services.portal.routes.common import apply_problem, saved
from services.portal.security import STAFF, roles

blp = Blueprint("pokmas", __name__)
EXPIRING_WITHIN_DAYS = 60
TRANSITIONS = {"aktifkan": "activate", "lanjutkan": "resume", "tangguhkan": "suspend", "akhiri": "terminate"}
NEEDS_REASON = ("tangguhkan", "akhiri")


def _page(template: str, form, **context):
    status = 400 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template(template, form=form, labels=labels, **context), status


@blp.get("/mitra")
@roles(*STAFF)
def groups():
    api = g.api
    got = parallel(groups=lambda: api.pokmas.all("/groups"), agreements=lambda: api.pokmas.all("/agreements"))
    if not got["groups"].ok:
        raise got["groups"].error
    horizon = (dates.today() + timedelta(days=EXPIRING_WITHIN_DAYS)).isoformat()
    by_group = {}
    for agreement in got["agreements"].value_or([]):
        by_group.setdefault(agreement["group_id"], []).append(agreement)
    return render_template("pokmas/mitra.html", groups=got["groups"].value, by_group=by_group, horizon=horizon,
                           labels=labels)


@blp.get("/mitra/<uuid:group_id>")
@roles(*STAFF)
def group(group_id):
    api = g.api
    got = parallel(group=lambda: api.pokmas.get(f"/groups/{group_id}"),
                   agreements=lambda: api.pokmas.all("/agreements", group_id=str(group_id)))
    if not got["group"].ok:
        raise got["group"].error
    horizon = (dates.today() + timedelta(days=EXPIRING_WITHIN_DAYS)).isoformat()
    return render_template("pokmas/grup.html", group=got["group"].value, agreements=got["agreements"].value_or([]),
                           horizon=horizon, labels=labels)


@blp.route("/mitra/baru", methods=["GET", "POST"])
@roles("admin")
def group_new():
    form = GroupForm()
    if request.method == "GET":
        form.bapas_office.data = g.user.bapas_office
    if form.validate_on_submit():
        body = {k: v for k, v in form.data.items() if k != "csrf_token"}
        try:
            created = g.api.pokmas.post("/groups", body)
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(_("The group %(name)s is registered.", name=created["name"]))
            return redirect(url_for("pokmas.group", group_id=created["id"]))
    return _page("pokmas/grup_baru.html", form)


@blp.route("/mitra/<uuid:group_id>/pks-baru", methods=["GET", "POST"])
@roles("admin")
def agreement_new(group_id):
    group = g.api.pokmas.get(f"/groups/{group_id}")
    form = AgreementForm()
    if form.validate_on_submit():
        body = {"group_id": str(group_id), "number": form.number.data,
                **{k: form[k].data.isoformat() for k in ("signed_on", "valid_from", "valid_until")},
                "programs": [{"name": form.program_name.data, "guidance_type": form.guidance_type.data,
                              "capacity": form.capacity.data}]}
        try:
            created = g.api.pokmas.post("/agreements", body)
        except ApiError as error:
            apply_problem(form, error)
        else:
            saved(_("The PKS %(number)s is recorded as a draft.", number=created["number"]))
            return redirect(url_for("pokmas.agreement", agreement_id=created["id"]))
    return _page("pokmas/pks_baru.html", form, group=group)


@blp.get("/pks/<uuid:agreement_id>")
@roles(*STAFF)
def agreement(agreement_id):
    api = g.api
    agreement = api.pokmas.get(f"/agreements/{agreement_id}")
    group = parallel(group=lambda: api.pokmas.get(f"/groups/{agreement['group_id']}"))["group"].value_or(None)
    horizon = (dates.today() + timedelta(days=EXPIRING_WITHIN_DAYS)).isoformat()
    return render_template("pokmas/pks.html", agreement=agreement, group=group, horizon=horizon, labels=labels,
                           form=ConfirmForm())


@blp.route("/pks/<uuid:agreement_id>/<action>", methods=["GET", "POST"])
@roles("admin")
def transition(agreement_id, action):
    """Activate and resume are one button; suspend and terminate ask for the reason first."""
    if action not in TRANSITIONS:
        abort(404)
    agreement = g.api.pokmas.get(f"/agreements/{agreement_id}")
    form = ReasonForm() if action in NEEDS_REASON else ConfirmForm()
    if request.method == "GET" and action not in NEEDS_REASON:
        abort(405)
    if form.validate_on_submit():
        body = {"reason": form.reason.data} if action in NEEDS_REASON else {}
        try:
            g.api.pokmas.post(f"/agreements/{agreement_id}/{TRANSITIONS[action]}", body, version=agreement["version"])
        except ApiError as error:
            apply_problem(form, error)
            if action not in NEEDS_REASON:
                return render_template("pokmas/pks.html", agreement=agreement, group=None, labels=labels,
                                       form=form, horizon=""), 409
        else:
            saved(_("The PKS is now: %(status)s.", status=labels.label(labels.AGREEMENT_STATUS, _after(action))))
            return redirect(url_for("pokmas.agreement", agreement_id=agreement_id))
    return _page("pokmas/alasan.html", form, agreement=agreement, action=action)


def _after(action: str) -> str:
    return {"aktifkan": "active", "lanjutkan": "active", "tangguhkan": "suspended", "akhiri": "terminated"}[action]


@blp.get("/program")
def programs():
    """Programs with their utilization; a partner sees its own group's."""
    guidance_type = request.args.get("jenis") if request.args.get("jenis") in labels.GUIDANCE_TYPES else None
    open_only = request.args.get("terbuka") == "1"
    api = g.api
    got = parallel(programs=lambda: api.pokmas.all("/programs", guidance_type=guidance_type,
                                                   open="true" if open_only else None),
                   groups=lambda: api.pokmas.all("/groups"))
    if not got["programs"].ok:
        raise got["programs"].error
    return render_template("pokmas/program.html", programs=got["programs"].value,
                           groups={gr["id"]: gr for gr in got["groups"].value_or([])}, guidance_type=guidance_type,
                           open_only=open_only, labels=labels)
