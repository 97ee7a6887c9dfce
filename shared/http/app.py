"""The app factory every service uses: problem+json errors, auth, request ids, health,
readiness, metrics, OpenAPI at /openapi.json and interactive docs at /docs."""
import http
import inspect
import logging
import re
import time

import redis
from flask import Flask, Response, g, jsonify, request, send_from_directory
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from prometheus_client import CollectorRegistry, generate_latest, CONTENT_TYPE_LATEST
from swagger_ui_bundle import swagger_ui_path
from werkzeug.exceptions import HTTPException

from shared import auth, ids, logs
from shared.audit import AuditTrail
from shared.errors import BapasError
from shared.http import auditing, problems, request_parser
from shared.http.json_provider import OrjsonProvider
from shared.http.audit_api import audit_blueprint
from shared.http.events_api import events_blueprint
from shared.http.proxies import TrustedProxies, parse_networks
from shared.http.readiness import readiness
from shared.metrics import BackboneCollector, HttpMetrics, served_registry

log = logging.getLogger(__name__)
request_parser.install()
PUBLIC_PATHS = {"/healthz", "/readyz", "/metrics"}
SLOW_REQUEST_SECONDS = 1.0
# The API's own description holds no data: readable without a token, so /docs works in a browser
# (paste a token with its Authorize button) and integrators can fetch the event catalogue.
DOCUMENTATION_PATHS = {"/openapi.json", "/docs", "/asyncapi.json"}
DOCUMENTATION_ASSETS = "/docs/assets/"
OPEN_PATHS = PUBLIC_PATHS | DOCUMENTATION_PATHS
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# Request and correlation ids taken from headers: a UUID, nginx's $request_id (32 hex digits) or
# another tracer's token; anything longer or with other characters is replaced by a new UUID.
TRACE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


class _Flask(Flask):
    """Flask, asking once per view function (not on every call of every view, hook and smorest wrapper)
    whether it is a coroutine function."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._coroutine: dict = {}

    def ensure_sync(self, func):
        key = getattr(func, "__func__", func)   # a MethodView's method is bound anew on every request
        is_coroutine = self._coroutine.get(key)
        if is_coroutine is None:
            is_coroutine = inspect.iscoroutinefunction(func)
            if len(self._coroutine) < 4096:   # views and hooks are made once; anything else is not kept
                self._coroutine[key] = is_coroutine
        return self.async_to_sync(func) if is_coroutine else func


class ProblemApi(Api):
    """flask-smorest's Api, with every documented error as application/problem+json."""

    ERROR_SCHEMA = problems.ProblemSchema

    def handle_http_exception(self, error):
        return problems.from_http_exception(error)

    def _register_responses(self):
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, problems.CONTENT_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Error (RFC 9457 problem details)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, problems.CONTENT_TYPE)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def build_app(runtime, *, title: str, description: str, blueprints) -> Flask:
    app = _Flask(runtime.service)
    app.json = OrjsonProvider(app)
    app.config.update(
        API_TITLE=title, API_VERSION="1.0.0", OPENAPI_VERSION="3.0.3", OPENAPI_URL_PREFIX="/",
        OPENAPI_JSON_PATH="openapi.json", OPENAPI_SWAGGER_UI_PATH="docs",
        # Swagger UI's assets are served by the service itself (swagger-ui-bundle), so /docs works
        # in an office without internet access.
        OPENAPI_SWAGGER_UI_URL="/docs/assets/",
        MAX_CONTENT_LENGTH=runtime.settings.max_body_bytes,
        API_SPEC_OPTIONS={
            "info": {"description": description},
            "security": [{"bearerAuth": []}],
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                                              "bearerFormat": "JWT"}}},
        },
    )
    app.extensions["bapas"] = runtime
    app.wsgi_app = TrustedProxies(app.wsgi_app, parse_networks(runtime.settings.trusted_proxies))
    trail = AuditTrail(runtime.redis, runtime.service)
    api = ProblemApi(app)
    for blueprint in [*blueprints, events_blueprint(runtime), audit_blueprint(trail)]:
        api.register_blueprint(blueprint)
    _install_hooks(app, runtime, trail)
    _install_operational_routes(app, runtime)
    return app


def _install_hooks(app: Flask, runtime, trail: AuditTrail) -> None:
    settings = runtime.settings
    # In multiprocess mode the HTTP metrics' values go to files; this registry then only holds them.
    metrics = HttpMetrics(CollectorRegistry())
    app.extensions["bapas_registry"] = served_registry(metrics.registry)

    @app.before_request
    def identify():
        # The request and g bound once: each use of Flask's proxies looks them up again.
        req, ctx = request._get_current_object(), g._get_current_object()
        ctx.started = time.perf_counter()
        ctx.request_id = _header_id(req, "X-Request-ID") or ids.new_id()
        ctx.correlation_id = _header_id(req, "X-Correlation-ID") or ctx.request_id
        logs.request_id.set(ctx.request_id)
        logs.correlation_id.set(ctx.correlation_id)
        if _is_open(req.path):
            return None
        ctx.principal = auth.authenticate_with(settings, req.headers.get("Authorization"))
        if req.method not in READ_METHODS:
            auditing.begin_write()
        return None

    @app.after_request
    def finish(response: Response):
        req, ctx = request._get_current_object(), g._get_current_object()
        headers = response.headers
        headers["X-Request-ID"] = ctx.get("request_id", "")
        headers["X-Correlation-ID"] = ctx.get("correlation_id", "")
        path, method, status = req.path, req.method, response.status_code
        if not _is_open(path):
            # Answers behind a token hold personal data (or say what exists): no cache, shared or
            # the browser's, may keep them.
            headers["Cache-Control"] = "no-store"
        endpoint = req.url_rule.rule if req.url_rule else None
        seconds = time.perf_counter() - ctx.get("started", 0)
        metrics.observe(method, endpoint, status, seconds)
        if path not in PUBLIC_PATHS:
            # A line per request costs CPU under the GIL (formatted here, copied again by `bapas run`:
            # about 120 µs of a registration's 2 ms in issue 21's profile). A write keeps its line: its
            # request id must be found in the logs (README, tracing). A read is counted and timed in
            # /metrics and logged at info only when it fails with 5xx or is slow; else at debug.
            level = (logging.INFO if method not in READ_METHODS or status >= 500 or seconds >= SLOW_REQUEST_SECONDS
                     else logging.DEBUG)
            log.log(level, "%s %s %s %.1f ms", method, endpoint or "(no route)", status, seconds * 1000)
            try:
                auditing.record(trail, response)
            except Exception:  # the change is already committed; an operator must see the gap
                log.exception("could not write the audit entry for %s %s", method, endpoint)
        return response

    app.register_error_handler(BapasError, problems.from_bapas_error)
    for unavailable in (redis.ConnectionError, redis.TimeoutError, redis.BusyLoadingError):
        app.register_error_handler(unavailable, problems.from_store_unavailable)
    app.register_error_handler(redis.ResponseError, problems.from_store_error)
    app.register_error_handler(HTTPException, problems.from_http_exception)
    app.register_error_handler(Exception, problems.from_unexpected)


def _is_open(path: str) -> bool:
    """Paths anyone may read without a token: health, metrics and the API's own description."""
    return path in OPEN_PATHS or path.startswith(DOCUMENTATION_ASSETS)


def _header_id(req, name: str) -> str | None:
    """A caller's (or the front's) id when it is a plain token: it goes into log lines and events."""
    value = req.headers.get(name, "")
    return value if TRACE_ID.fullmatch(value) else None


def _install_operational_routes(app: Flask, runtime) -> None:
    registry = app.extensions["bapas_registry"]
    registry.register(BackboneCollector(runtime.redis, runtime.service, runtime.settings.effective_broker_url))

    @app.get(DOCUMENTATION_ASSETS + "<path:filename>")
    def docs_assets(filename):
        return send_from_directory(swagger_ui_path, filename, max_age=86400)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok", service=runtime.service)

    @app.get("/readyz")
    def readyz():
        checks = readiness(runtime)
        ready = all(check == "ok" for check in checks.values())
        return jsonify(status="ready" if ready else "unavailable", checks=checks), 200 if ready else 503

    @app.get("/metrics")
    def metrics_endpoint():
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
