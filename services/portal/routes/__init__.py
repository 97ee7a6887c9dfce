"""One blueprint per area of the portal."""
from services.portal.clients import ApiError
from services.portal.routes import akun, audit, beranda, bimbingan, klien, lapor, laporan, pokmas, sesi


def register(app, limiter) -> None:
    akun.register(app, limiter)
    for module in (beranda, klien, lapor, bimbingan, sesi, pokmas, laporan, audit):
        app.register_blueprint(module.blp)
    app.register_error_handler(ApiError, _refused)
    app.register_error_handler(403, _error(403))
    app.register_error_handler(404, _error(404))
    app.register_error_handler(401, _error(401))
    app.register_error_handler(400, _error(400))
    app.register_error_handler(429, _error(429))
    app.register_error_handler(503, _error(503))


def _refused(error: ApiError):
    """A service's refusal nobody on the page handled: not found and not allowed are shown as such;
    anything else means the service cannot answer now."""
    status = error.status if error.status in (403, 404) else 503
    return _error(status)(error)


def _error(status):
    from flask import render_template

    def handle(error):
        detail = getattr(error, "description", "") if status == 400 else ""
        return render_template("error.html", status=status, detail=detail), status

    return handle
