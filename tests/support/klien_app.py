"""klien in-process for integration tests: its Flask app, callers with a role, and its Applier."""
import uuid

import redis as redis_lib

from services.klien.app import create_app
from services.klien.handlers import HANDLERS
from shared import auth, envelope
from shared.config import Settings
from shared.inbox import Applier

REGION, SECRET = "testreg", "s"
PROBLEM = "application/problem+json"


class Caller:
    """Flask's test client with one role's token; methods return the response."""

    def __init__(self, client, role: str, sub: str, group_id: str | None = None):
        self.client = client
        self.headers = {"Authorization": "Bearer " + auth.issue_token(SECRET, role=role, sub=sub, region=REGION,
                                                                      group_id=group_id)}

    def open(self, method: str, path: str, headers: dict | None = None, **kwargs):
        return self.client.open(path, method=method, headers={**self.headers, **(headers or {})}, **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.open("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.open("PATCH", path, json=json, **kwargs)

    def created(self, body: dict) -> dict:
        response = self.post("/clients", body)
        assert response.status_code == 201, response.get_data(as_text=True)
        return response.get_json()


class Klien:
    def __init__(self, redis_url: str, urls: dict | None = None):
        self.app = create_app(Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET,
                                       urls=urls or {}))
        self.redis = redis_lib.Redis.from_url(redis_url, decode_responses=True)
        self.applier = Applier(self.redis, service="klien", handlers=HANDLERS)

    def as_(self, role: str, sub: str | None = None, group_id: str | None = None) -> Caller:
        if role == "partner" and group_id is None:
            group_id = str(uuid.uuid4())
        return Caller(self.app.test_client(), role, sub or f"{role}-1", group_id)

    def deliver(self, event_type: str, data: dict, sequence: int) -> str:
        """Apply one bimbingan event as the worker would; returns applied, duplicate or stale."""
        return self.applier.apply(self.event(event_type, data, sequence))

    @staticmethod
    def event(event_type: str, data: dict, sequence: int) -> dict:
        return envelope.build_event(region=REGION, service="bimbingan", type=event_type, subject=data["id"],
                                    sequence=sequence, data=data, correlation_id="c-test")


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.get_json(force=True)
