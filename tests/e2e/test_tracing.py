"""One id traces a request: the X-Request-ID a caller (or the front) sends comes back in the
response, is the correlationid of the events the request caused, and is on the request's log lines."""
import json
import uuid

from tests.support.klien_data import client_body
from tests.support.poll import eventually


def lines_with(log: str, request_id: str) -> list[dict]:
    found = []
    for raw in log.splitlines():
        start = raw.find("{")  # local: "<name> | {...}"; compose: "<container> | {...}"
        if start < 0 or request_id not in raw:
            continue
        try:
            found.append(json.loads(raw[start:]))
        except ValueError:
            continue
    return found


def test_a_request_id_finds_the_response_the_events_and_the_log_lines(stack, admin):
    request_id = uuid.uuid4().hex  # the shape nginx's $request_id has
    response = admin.klien.post("/clients", client_body(), headers={"X-Request-ID": request_id})
    assert response.status_code == 201, response.text
    assert response.headers["X-Request-ID"] == response.headers["X-Correlation-ID"] == request_id
    client_id = response.json()["id"]

    def event_of_the_request():
        feed = admin.klien.get("/events", params={"limit": 1000}).json()["items"]
        return next((e for e in feed if e["subject"] == client_id), None)
    event = eventually(event_of_the_request, timeout=30, interval=0.5)
    assert event["correlationid"] == request_id

    def logged():
        return [line for line in lines_with(stack.log(), request_id)
                if line.get("correlation_id") == request_id and line.get("service") == "klien"]
    assert eventually(logged, timeout=30, interval=1)
