"""Who is signed in, which pages need it, and the security headers of every answer."""
from functools import wraps

from flask import abort, current_app, g, redirect, request, session, url_for

from services.portal import labels
from services.portal.clients import Identity

PUBLIC_ENDPOINTS = {"static", "akun.sign_in", "akun.healthz", "akun.language", "sesi.service_worker"}
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "worker-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def install(app) -> None:
    app.before_request(_load_user)
    app.after_request(_headers)
    app.context_processor(lambda: {"user": g.get("user"), "labels": labels})


def _load_user():
    g.user = None
    session_id = session.get("sid")
    if session_id:
        g.user = current_app.extensions["portal.accounts"].session_user(session_id)
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        if request.method == "GET":
            return redirect(url_for("akun.sign_in", next=request.full_path.rstrip("?")))
        abort(401)
    if g.user is not None:
        g.api = current_app.extensions["portal.services"](identity_of(g.user))
    return None


def identity_of(account) -> Identity:
    region = current_app.extensions["portal.settings"].region
    return Identity(sub=account.username, role=account.role, region=region, group_id=account.group_id)


def _headers(response):
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if request.endpoint != "static":
        # Pages carry personal data: never kept by the browser or a proxy.
        response.headers["Cache-Control"] = "no-store"
    return response


def roles(*allowed: str):
    """A page only these roles may open (the services refuse the rest anyway; this keeps the
    portal from offering what would be refused)."""
    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if g.user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


STAFF = ("admin", "officer", "auditor")
WRITERS = ("admin", "officer")
