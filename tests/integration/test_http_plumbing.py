"""What every service's HTTP layer does, whatever the resource: problem+json errors, auth,
request and correlation ids, health, readiness, metrics, docs, and the /events feed."""
import uuid

import pytest

from shared import auth
from tests.support.plumbing_app import make_app
from tests.support.client import REGION, SECRET

PROBLEM = "application/problem+json"


@pytest.fixture
def app(redis_url):
    return make_app(redis_url)


@pytest.fixture
def http(app):
    return app.test_client()


def bearer(role="admin", region=REGION, secret=SECRET):
    return {"Authorization": "Bearer " + auth.issue_token(secret, role=role, sub="u-1", region=region)}


def assert_problem(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    return body


def test_no_token_is_401_and_another_region_is_403(http):
    assert_problem(http.get("/things"), 401)
    assert_problem(http.get("/things", headers={"Authorization": "Bearer x.y.z"}), 401)
    assert_problem(http.get("/things", headers=bearer(region="jabar")), 403)
    assert http.get("/things", headers=bearer()).status_code == 200


def test_a_role_outside_the_table_is_403(http):
    body = assert_problem(http.post("/things", json={"name": "a", "count": 1}, headers=bearer("auditor")), 403)
    assert "auditor" in body["detail"]


def test_unknown_path_405_malformed_json_and_invalid_fields(http):
    assert_problem(http.get("/nope", headers=bearer()), 404)
    response = http.delete("/things", headers=bearer())
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]
    assert_problem(http.post("/things", data="{nope", content_type="application/json", headers=bearer()), 400)
    assert_problem(http.post("/things", data="[1]", content_type="application/json", headers=bearer()), 400)
    body = assert_problem(http.post("/things", json={"name": "x" * 51, "extra": 1}, headers=bearer()), 422)
    assert set(body["errors"]) == {"name", "count", "extra"}


def test_a_body_over_the_limit_is_413(http):
    assert_problem(http.post("/things", data="x" * 20_000, content_type="application/json", headers=bearer()), 413)


def test_the_request_id_is_echoed_and_the_correlation_id_reaches_the_event(http):
    correlation = str(uuid.uuid4())
    response = http.post("/things", json={"name": "a", "count": 1},
                         headers={**bearer(), "X-Correlation-ID": correlation})
    assert response.status_code == 201
    assert response.get_json()["correlationid"] == correlation
    assert response.headers["X-Correlation-ID"] == correlation
    assert uuid.UUID(response.headers["X-Request-ID"])


@pytest.mark.parametrize("request_id", [str(uuid.uuid4()), "0f5c2a9e6d0b4c8e9a1b2c3d4e5f6a7b"])
def test_without_a_correlation_id_the_request_id_is_the_correlation_id(http, request_id):
    """nginx's $request_id is 32 hex digits: a request traced by it finds its events by the same id."""
    response = http.post("/things", json={"name": "a", "count": 1}, headers={**bearer(), "X-Request-ID": request_id})
    assert response.status_code == 201
    assert response.get_json()["correlationid"] == request_id
    assert response.headers["X-Request-ID"] == response.headers["X-Correlation-ID"] == request_id


@pytest.mark.parametrize("hostile", ["x" * 65, "a b", "<script>", "id;drop"])
def test_an_unusable_request_id_is_replaced_by_a_new_one(http, hostile):
    response = http.get("/healthz", headers={"X-Request-ID": hostile})
    assert uuid.UUID(response.headers["X-Request-ID"]) and response.headers["X-Correlation-ID"] != hostile


def test_health_readiness_metrics_and_docs_answer(http):
    assert http.get("/healthz").get_json()["status"] == "ok"
    ready = http.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["checks"] == {"redis": "ok", "broker": "ok"}
    http.get("/things", headers=bearer())
    metrics = http.get("/metrics").get_data(as_text=True)
    assert 'bapas_http_requests_total{endpoint="/things",method="GET",status="200"}' in metrics
    assert "bapas_outbox_backlog" in metrics
    spec = http.get("/openapi.json").get_json()     # the API's description needs no token
    assert http.get("/asyncapi.json").get_json()["asyncapi"] == "3.0.0"
    assert "/things" in spec["paths"] and "/events" in spec["paths"]
    docs = http.get("/docs")
    assert docs.status_code == 200 and b"/docs/assets/swagger-ui-bundle.js" in docs.data
    assert http.get("/docs/assets/swagger-ui-bundle.js").status_code == 200   # no CDN needed
    assert_problem(http.get("/docs/assets/../../../etc/passwd"), 404)


def test_readiness_names_the_dependency_that_is_down(redis_url):
    http = make_app(redis_url, broker_url="redis://127.0.0.1:1/0").test_client()
    response = http.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"] == "ok"
    assert response.get_json()["checks"]["broker"] != "ok"


def test_the_events_feed_pages_in_order_and_refuses_unknown_positions(http):
    ids = [http.post("/things", json={"name": "a", "count": i}, headers=bearer()).get_json()["id"]
           for i in range(5)]
    first = http.get("/events?limit=2", headers=bearer("auditor")).get_json()
    assert [e["id"] for e in first["items"]] == ids[:2] and first["next_after"] == ids[1]
    rest = http.get(f"/events?after={first['next_after']}&limit=10", headers=bearer("auditor")).get_json()
    assert [e["id"] for e in rest["items"]] == ids[2:] and rest["next_after"] is None
    assert_problem(http.get(f"/events?after={uuid.uuid4()}", headers=bearer()), 404)
    assert_problem(http.get("/events?after=klien:outbox", headers=bearer()), 422)
    assert_problem(http.get("/events?limit=1001", headers=bearer()), 422)
    partner = {"Authorization": "Bearer " + auth.issue_token(SECRET, role="partner", sub="p", region=REGION,
                                                               group_id=str(uuid.uuid4()))}
    assert_problem(http.get("/events", headers=partner), 403)


def test_the_events_feed_answers_what_its_schema_and_json_provider_would_write(app, http):
    """The feed splices the stored events' text (shared/http/events_api.py): byte for byte the answer that
    dumping the parsed events through FeedSchema and the app's JSON provider gives."""
    from shared.http.events_api import FeedSchema
    for i in range(3):
        http.post("/things", json={"name": "ä \u00e9 \"q\"", "count": i}, headers=bearer())
    for query in ("/events?limit=2", "/events?limit=10"):
        answer = http.get(query, headers=bearer("auditor"))
        assert answer.status_code == 200 and answer.mimetype == "application/json"
        page = answer.get_json()
        with app.app_context():
            expected = app.json.response(FeedSchema().dump(page)).get_data()
        assert answer.get_data() == expected


def test_writes_are_audited_in_a_chain_that_detects_tampering(app, http, redis_url):
    import redis as redis_lib

    from shared import audit
    for i in range(3):
        http.post("/things", json={"name": "a", "count": i}, headers=bearer("officer"))
    http.get("/things", headers=bearer())                          # a plain read is not audited
    page = http.get("/audit", headers=bearer("auditor")).get_json()
    # committed in the same transaction as the change (and its event): no status to wait for
    assert [(e["method"], e["path"], e["role"], e["outcome"]) for e in page["items"]] == \
        [("POST", "/things", "officer", "committed")] * 3
    # the status the write answered and the record it made, kept with the change (issue 13)
    assert [(e["status"], e["resource_id"]) for e in page["items"]] == [(201, "t-1")] * 3
    assert http.post("/audit", headers=bearer()).status_code == 405
    assert_problem(http.get("/audit", headers=bearer("officer")), 403)

    client = redis_lib.Redis.from_url(redis_url, decode_responses=True)
    assert audit.verify(client, "klien") == (4, None)   # the refused POST /audit is a write attempt, kept too
    refused = http.get("/audit", headers=bearer("auditor")).get_json()["items"][-1]
    assert (refused["method"], refused["path"], refused["status"]) == ("POST", "/audit", 405)
    http.post("/things", json={"name": "x" * 51, "count": 1}, headers=bearer("officer"))  # invalid: 422
    assert http.get("/audit", headers=bearer("auditor")).get_json()["items"][-1]["status"] == 422
    assert audit.verify(client, "klien") == (5, None)
    second = client.xrange("klien:audit")[1][0]
    client.xdel("klien:audit", second)
    assert audit.verify(client, "klien")[1] is not None


def test_the_audit_trail_pages_newest_first_when_asked(app, http):
    for i in range(5):
        http.post("/things", json={"name": "a", "count": i}, headers=bearer("officer"))
    oldest = http.get("/audit?limit=100", headers=bearer("auditor")).get_json()["items"]
    ids = [e["id"] for e in oldest]
    first = http.get("/audit?order=newest&limit=3", headers=bearer("auditor")).get_json()
    assert [e["id"] for e in first["items"]] == ids[::-1][:3] and first["next_after"] == ids[-3]
    rest = http.get(f"/audit?order=newest&limit=3&after={first['next_after']}", headers=bearer("auditor")).get_json()
    assert [e["id"] for e in rest["items"]] == ids[::-1][3:] and rest["next_after"] is None
    nothing = http.get("/audit?order=newest&after=0-0", headers=bearer("auditor")).get_json()
    assert nothing == {"items": [], "next_after": None}
    assert_problem(http.get("/audit?order=latest", headers=bearer("auditor")), 422)


def test_a_write_while_redis_is_down_is_503_with_retry_after_and_not_a_500():
    from tests.support.redis_server import RedisServer
    server = RedisServer().start()
    try:
        http = make_app(server.url).test_client()
        assert http.post("/things", json={"name": "a", "count": 1}, headers=bearer()).status_code == 201
        server.stop(kill=True)
        response = http.post("/things", json={"name": "a", "count": 2}, headers=bearer())
        assert_problem(response, 503)
        assert response.headers["Retry-After"] == "2"
    finally:
        server.cleanup()
