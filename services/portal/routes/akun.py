"""Sign-in, sign-out, language, and the admin's accounts pages."""
from flask import Blueprint, abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from services.portal import labels
from services.portal.accounts import Account, AccountError
from services.portal.forms import AccountForm, ConfirmForm, SignInForm
from services.portal.routes.common import saved
from services.portal.security import roles

blp = Blueprint("akun", __name__)
LIMIT_PER_ADDRESS = "30 per 15 minutes"
LIMIT_PER_ACCOUNT = "5 per 15 minutes"


def accounts():
    return current_app.extensions["portal.accounts"]


def _failed(response) -> bool:
    """Only a refused sign-in counts against the limits (a signed-in user is redirected)."""
    return response.status_code != 302


def _account_key() -> str:
    return "account:" + (request.form.get("username") or "").strip().lower()


def register(app, limiter) -> None:
    per_address = app.config.get("PORTAL_SIGNIN_LIMIT_PER_ADDRESS", LIMIT_PER_ADDRESS)
    per_account = app.config.get("PORTAL_SIGNIN_LIMIT_PER_ACCOUNT", LIMIT_PER_ACCOUNT)
    app.register_blueprint(blp)
    view = limiter.limit(per_address, methods=["POST"], deduct_when=_failed)(sign_in)
    view = limiter.limit(per_account, key_func=_account_key, methods=["POST"], deduct_when=_failed)(view)
    app.view_functions["akun.sign_in"] = view


def _safe_next(target: str | None) -> str:
    """Only a path of this portal (never another site) after signing in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("beranda.home")


@blp.route("/masuk", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        account = accounts().authenticate(form.username.data.strip().lower(), form.password.data)
        if account is not None:
            lang = session.get("lang")
            session.clear()                       # a new session on sign-in (no fixation)
            session["sid"] = accounts().start_session(account.username)
            if lang:
                session["lang"] = lang
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(_("The username or password is not right, or the account is disabled."))
    status = 200 if request.method == "GET" else 400
    return render_template("akun/masuk.html", form=form), status


@blp.post("/keluar")
def sign_out():
    if session.get("sid"):
        accounts().end_session(session["sid"])
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    response = redirect(url_for("akun.sign_in"))
    # The offline register's cached pages, its queue and its service worker go with the sign-in.
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@blp.post("/bahasa")
def language():
    lang = request.form.get("lang")
    if lang in ("id", "en"):
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("back")))


@blp.get("/healthz")
def healthz():
    return {"status": "ok"}


@blp.get("/akun")
@roles("admin")
def accounts_list():
    return render_template("akun/daftar.html", accounts=accounts().all(), form=ConfirmForm(), labels=labels)


@blp.route("/akun/baru", methods=["GET", "POST"])
@roles("admin")
def account_new():
    form = AccountForm()
    groups = g.api.pokmas.all("/groups")
    form.group_id.choices = [("", _("No group"))] + [(gr["id"], gr["name"]) for gr in groups]
    if form.validate_on_submit():
        account = Account(username=form.username.data, role=form.role.data, name=form.name.data,
                          group_id=form.group_id.data or None, bapas_office=form.bapas_office.data or "",
                          nip=form.nip.data or "")
        try:
            password = accounts().add(account)
        except AccountError as error:
            getattr(form, error.field, form.username).errors.append(str(error))
        else:
            return render_template("akun/kata_sandi.html", account=account, password=password)
    return render_template("akun/baru.html", form=form), (400 if form.errors else 200)


@blp.post("/akun/<username>/<action>")
@roles("admin")
def account_action(username, action):
    if username == g.user.username:
        abort(400, _("You cannot change your own account here."))
    try:
        if action == "nonaktifkan":
            accounts().set_disabled(username, True)
            saved(_("The account %(name)s is disabled; its sessions have ended.", name=username))
        elif action == "aktifkan":
            accounts().set_disabled(username, False)
            saved(_("The account %(name)s is enabled again.", name=username))
        elif action == "reset":
            password = accounts().reset_password(username)
            return render_template("akun/kata_sandi.html", account=accounts().get(username), password=password)
        else:
            abort(404)
    except AccountError:
        abort(404)
    return redirect(url_for("akun.accounts_list"))
