"""The authorization table, cell by cell: every endpoint of every service, called by every role
(and without a token, and from another region), answers as shared/authz.py says."""
import re
import uuid

import pytest

from shared import auth, authz, service
from shared.config import SERVICES, Settings
from tests.support.client import REGION, SECRET

UNLISTED = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "events.AsyncApi", "docs_assets", "static", "healthz", "readyz",
            "metrics_endpoint"}


def endpoints(app):
    """(method, concrete path, action) for every route; ids are random UUIDs."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNLISTED:
            continue
        view_class = app.view_functions[rule.endpoint].view_class
        path = re.sub(r"<[^>]+>", lambda _: str(uuid.uuid4()), rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, path, getattr(view_class, method.lower()).bapas_action


def bearer(role: str, region: str = REGION) -> dict:
    token = auth.issue_token(SECRET, role=role, sub=f"matrix-{role}", region=region,
                             group_id=str(uuid.uuid4()) if role == "partner" else None)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(params=SERVICES)
def app(request, redis_url):
    settings = Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET,
                        urls={name: "http://127.0.0.1:1" for name in SERVICES})
    return service.create_app(service.load(request.param), settings)


def test_every_cell_of_the_table(app):
    http = app.test_client()
    checked = 0
    for method, path, action in endpoints(app):
        call = lambda headers: http.open(path, method=method, json={}, headers=headers)  # noqa: E731
        assert call({}).status_code == 401, f"{method} {path} without a token"
        assert call(bearer("admin", region="otherreg")).status_code == 403, f"{method} {path} other region"
        for role in auth.ROLES:
            status = call(bearer(role)).status_code
            if authz.allowed(role, action):
                assert status not in (401, 403) or (role == "partner" and status == 403), \
                    f"{role} may {action}: {method} {path} answered {status}"
            else:
                assert status == 403, f"{role} may not {action}: {method} {path} answered {status}"
            assert status < 500, f"{role} {method} {path} answered {status}"
            checked += 1
    assert checked >= 4 * len(auth.ROLES)  # /events, /audit and at least two endpoints of its own
