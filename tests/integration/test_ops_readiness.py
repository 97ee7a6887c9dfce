"""What an operator relies on when something is down: /readyz names the dependency, /metrics
still answers, and every log line of a request carries its request id and correlation id."""
import io
import json
import logging
import uuid

from services.klien.app import create_app
from shared import auth, logs
from shared.config import Settings
from tests.support.client import REGION, SECRET

UNREACHABLE_AMQP = "amqp://guest:guest@127.0.0.1:1//"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


def client(redis_url: str, broker_url: str):
    settings = Settings(redis_url=redis_url, broker_url=broker_url, region=REGION, jwt_secret=SECRET)
    return create_app(settings).test_client()


def test_a_service_whose_broker_is_down_is_not_ready_and_says_it_is_the_broker(redis_url):
    response = client(redis_url, UNREACHABLE_AMQP).get("/readyz")
    assert response.status_code == 503
    checks = response.get_json()["checks"]
    assert checks["redis"] == "ok"
    assert checks["broker"].startswith("unreachable")


def test_a_service_whose_redis_is_down_says_it_is_redis_and_metrics_still_answer(redis_url):
    http = client(UNREACHABLE_REDIS, redis_url)
    response = http.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("unreachable")
    assert response.get_json()["checks"]["broker"] == "ok"
    metrics = http.get("/metrics")
    assert metrics.status_code == 200 and "bapas_http_requests_total" in metrics.get_data(as_text=True)


def test_metrics_answer_without_queue_gauges_when_the_broker_is_down(redis_url):
    metrics = client(redis_url, UNREACHABLE_AMQP).get("/metrics")
    assert metrics.status_code == 200
    text = metrics.get_data(as_text=True)
    assert "bapas_outbox_backlog" in text and "bapas_consumer_lag_messages{" not in text


def test_request_log_lines_are_json_with_the_request_id_and_the_correlation_id(redis_url):
    http = client(redis_url, redis_url)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter("klien"))
    root = logging.getLogger()
    previous_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)   # a quick, successful read is logged at debug (writes at info)
    request_id, correlation_id = str(uuid.uuid4()), str(uuid.uuid4())
    token = auth.issue_token(SECRET, role="auditor", sub="ops", region=REGION)
    try:
        response = http.get("/events", headers={"Authorization": f"Bearer {token}", "X-Request-ID": request_id,
                                                "X-Correlation-ID": correlation_id})
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
    assert response.status_code == 200
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    request_lines = [line for line in lines if line["message"].startswith("GET /events 200 ")]
    assert request_lines, lines
    for line in request_lines:
        assert line["service"] == "klien"
        assert line["request_id"] == request_id and line["correlation_id"] == correlation_id
