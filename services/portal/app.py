"""create_app(): the portal's wiring in one place (the bootstrap)."""
import functools
import hashlib
import hmac
import os
from datetime import date, datetime, timedelta
from pathlib import Path

from babel import dates as babel_dates
from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_babel import Babel, format_date, format_datetime, format_percent
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect
from requests.adapters import HTTPAdapter
from werkzeug.middleware.proxy_fix import ProxyFix

from services.portal import dates, routes, security
from services.portal.accounts import AccountStore
from shared import redis_tx
from shared.config import Settings, load_settings

HERE = Path(__file__).parent
LANGUAGES = ("id", "en")


class TlsAwareSessions(SecureCookieSessionInterface):
    """The session cookie is Secure whenever the page itself came over TLS."""

    def get_cookie_secure(self, app) -> bool:
        return request.is_secure or app.config["SESSION_COOKIE_SECURE"]


def _locale() -> str:
    return session.get("lang") if session.get("lang") in LANGUAGES else "id"


def _secret_key(settings: Settings) -> str:
    """The cookie-signing key, derived from the deployment's JWT secret (no second secret to keep)."""
    explicit = os.environ.get("PORTAL_SECRET_KEY")
    if explicit:
        return explicit
    return hmac.new(settings.jwt_secret.encode(), b"bapas-portal-session", hashlib.sha256).hexdigest()


def _date(value) -> str:
    """A date (or YYYY-MM-DD) as people write it: 5 Des 2026."""
    if not value:
        return ""
    if isinstance(value, datetime):               # rebased to the office's time zone first
        return format_date(value, "d MMM yyyy")
    return _date_in(value, g.get("lang") or _locale())


@functools.lru_cache(maxsize=8192)
def _date_in(value: date | str, language: str) -> str:
    """What flask_babel's format_date gives for a date or YYYY-MM-DD (no time zone to apply), in the page's
    language (what its locale selector gives): a page lists hundreds of dates, the same ones page after page,
    and babel takes about 15 µs for each, flask_babel's locale look-up a few more."""
    day = dates.parse_date(value) if isinstance(value, str) else value
    return babel_dates.format_date(day, "d MMM yyyy", locale=language) if day else ""


def _time(instant: str) -> str:
    """An instant in the office's time zone: 5 Des 2026 09.00."""
    return format_datetime(dates.local(instant), "d MMM yyyy HH.mm") if instant else ""


def _day(value) -> str:
    return format_date(value, "EEEE, d MMM")


def _month(value: str) -> str:
    """YYYY-MM as people write it: November 2026."""
    return format_date(date(int(value[:4]), int(value[5:7]), 1), "LLLL yyyy")


def _percent(fraction) -> str:
    """A fraction as a percentage (83,3%); none (nothing to count) as a dash."""
    return format_percent(fraction, "#,##0.#%") if fraction is not None else "–"


def create_app(settings: Settings | None = None, services_factory=None, redis=None, limits_uri: str | None = None,
               config: dict | None = None) -> Flask:
    """The portal; tests hand in their own service clients, Redis and rate-limit storage."""
    settings = settings or load_settings()
    if not settings.jwt_secret:
        raise SystemExit("BAPAS_JWT_SECRET is not set: the portal signs its calls to the services with it")
    app = Flask(__name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    app.config.update(
        SECRET_KEY=_secret_key(settings), SESSION_COOKIE_NAME="bapas_portal", SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=os.environ.get("PORTAL_COOKIE_SECURE") == "1",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # A form's token lives as long as its sign-in (which lapses after 8 idle hours): the offline
        # register sends with the token of the page it was opened on, possibly hours later.
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=settings.max_body_bytes, BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(HERE / "translations"),
        BABEL_DEFAULT_TIMEZONE=str(dates.zone()),
        SEND_FILE_MAX_AGE_DEFAULT=3600,
        **{name: os.environ[name] for name in ("PORTAL_SIGNIN_LIMIT_PER_ACCOUNT", "PORTAL_SIGNIN_LIMIT_PER_ADDRESS")
           if os.environ.get(name)},
    )
    app.config.update(config or {})
    app.session_interface = TlsAwareSessions()
    if os.environ.get("PORTAL_TRUST_PROXY") == "1":
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    redis = redis or redis_tx.connect(settings.redis_url)
    app.extensions["portal.accounts"] = AccountStore(redis)
    app.extensions["portal.settings"] = settings
    app.extensions["portal.services"] = services_factory or _services_factory(settings)
    CSRFProtect(app)                      # first: any form without a valid token is 400, signed in or not
    Babel(app, locale_selector=_locale)
    limiter = Limiter(get_remote_address, app=app, storage_uri=limits_uri or settings.redis_url,
                      key_prefix="portal-limits", strategy="fixed-window", headers_enabled=False)
    app.extensions["portal.limiter"] = limiter
    security.install(app)
    app.jinja_env.filters.update(tanggal=_date, waktu=_time, hari=_day, bulan=_month, persen=_percent)
    routes.register(app, limiter)

    @app.before_request
    def _lang():
        g.lang = _locale()

    return app


def _services_factory(settings: Settings):
    from services.portal.clients import Services, new_session
    http = new_session()
    http.mount("http://", HTTPAdapter(pool_connections=8, pool_maxsize=32))
    http.mount("https://", HTTPAdapter(pool_connections=8, pool_maxsize=32))

    def build(identity):
        return Services(settings.urls, settings.jwt_secret, identity, http, audience=settings.jwt_audience,
                        issuer=settings.jwt_issuer)

    return build
