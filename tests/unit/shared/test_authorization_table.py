"""Every endpoint of every service declares the action it performs, so none is left open by
omission; and the table says what the contract says."""
import pytest

from shared import authz, service
from shared.config import SERVICES, Settings

# Authenticated, but readable by every role: the API's own description.
DOCUMENTATION_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "events.AsyncApi", "docs_assets", "static"}
PUBLIC_ENDPOINTS = {"healthz", "readyz", "metrics_endpoint"}


def endpoints_without_action(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in DOCUMENTATION_ENDPOINTS | PUBLIC_ENDPOINTS:
            continue
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        methods = [getattr(view_class, m.lower()) for m in rule.methods - {"HEAD", "OPTIONS"}] if view_class \
            else [view]
        missing += [f"{rule.rule} {m.__name__}" for m in methods if not getattr(m, "bapas_action", None)]
    return missing


@pytest.mark.parametrize("name", SERVICES)
def test_every_endpoint_declares_its_action(name):
    app = service.create_app(service.load(name), Settings(redis_url="redis://127.0.0.1:1/0", jwt_secret="s"))
    assert endpoints_without_action(app) == []


@pytest.mark.parametrize("role, action, allowed", [
    ("officer", authz.WRITE_CLIENTS, True),
    ("officer", authz.WRITE_GUIDANCE, True),
    ("officer", authz.WRITE_PARTNERS, False),
    ("auditor", authz.READ_CLIENTS, True),
    ("auditor", authz.WRITE_CLIENTS, False),
    ("auditor", authz.RECORD_ATTENDANCE, False),
    ("partner", authz.READ_CLIENTS, False),
    ("partner", authz.RECORD_ATTENDANCE, True),
    ("partner", authz.WRITE_GUIDANCE, False),
    ("partner", authz.READ_EVENTS, False),
    ("admin", authz.EXPORT_CLIENT, True),
    ("officer", authz.EXPORT_CLIENT, False),
])
def test_the_table_matches_the_contract(role, action, allowed):
    assert authz.allowed(role, action) is allowed


def test_no_action_lets_an_auditor_write():
    writes = [a for a in authz.PERMISSIONS if a.startswith(("write_", "record_"))]
    assert writes and not any(authz.allowed("auditor", a) for a in writes)
