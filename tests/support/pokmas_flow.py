"""Short paths through pokmas's HTTP API for its integration tests (Flask test client)."""
import json

from tests.support.client import headers
from tests.support.pokmas_api import agreement_body, group_body


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, (response.status_code, response.get_json())
    return response.get_json()


def new_group(http, **overrides) -> dict:
    return ok(http.post("/groups", json=group_body(**overrides), headers=headers()), 201)


def new_agreement(http, group_id: str | None = None, **overrides) -> dict:
    group_id = group_id or new_group(http)["id"]
    return ok(http.post("/agreements", json=agreement_body(group_id, **overrides), headers=headers()), 201)


def transition(http, agreement: dict, action: str, body: dict | None = None, **header_args):
    return http.post(f"/agreements/{agreement['id']}/{action}", json=body or {}, headers=headers(**header_args))


def active_agreement(http, **overrides) -> dict:
    return ok(transition(http, new_agreement(http, **overrides), "activate"))


def published(redis, type_: str | None = None) -> list[dict]:
    """pokmas's events in the order they were staged, optionally of one type."""
    return [json.loads(f["event"]) for _, f in redis.xrange("pokmas:outbox") if type_ in (None, f["type"])]
