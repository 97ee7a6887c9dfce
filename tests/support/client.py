"""The one test client of every tier, and the one test region and secret.

A service is called as one role with the same methods in every tier (get, post, patch,
created(path, body)): `Caller` in process over its Flask app (`ServiceApp.as_`: integration tests,
Flask responses), `ServiceClient` over HTTP (the running stack: e2e and fault drills, requests
responses). `ServiceApp` is a service's app on a test Redis with its Applier, as its worker applies events.
"""
import uuid

import redis as redis_lib
import requests

from shared import auth, envelope, service
from shared.config import Settings
from shared.inbox import Applier

REGION, SECRET = "testreg", "s"
PROBLEM = "application/problem+json"


def token(role: str = "admin", sub: str | None = None, group_id: str | None = None, *, secret: str = SECRET,
          region: str = REGION) -> str:
    return auth.issue_token(secret, role=role, sub=sub or f"{role}-1", region=region, group_id=group_id)


class ServiceClient:
    def __init__(self, base_url: str, token: str | None = None):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        if token:
            self.http.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 10)
        return self.http.request(method, self.base_url + path, **kwargs)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json=None, **kwargs):
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json=None, **kwargs):
        return self.request("PATCH", path, json=json, **kwargs)

    def created(self, path: str, json) -> dict:
        """POST that must answer 201; returns the body."""
        response = self.post(path, json=json)
        assert response.status_code == 201, f"POST {path}: {response.status_code} {response.text}"
        return response.json()


def headers(role: str = "admin", group_id: str | None = None, if_match: int | None = None) -> dict:
    extra = {"If-Match": f'"{if_match}"'} if if_match is not None else {}
    return {"Authorization": f"Bearer {token(role, group_id=group_id)}", **extra}


class Caller:
    """A Flask test client whose requests carry one role's token (explicit headers win)."""

    def __init__(self, client, bearer: str):
        self.client = client
        self.headers = {"Authorization": f"Bearer {bearer}"}

    def open(self, method: str, path: str, headers: dict | None = None, **kwargs):
        return self.client.open(path, method=method, headers={**self.headers, **(headers or {})}, **kwargs)

    def get(self, path, **kwargs):
        return self.open("GET", path, **kwargs)

    def post(self, path, json=None, **kwargs):
        return self.open("POST", path, json=json, **kwargs)

    def patch(self, path, json=None, **kwargs):
        return self.open("PATCH", path, json=json, **kwargs)

    def created(self, path: str, json) -> dict:
        """POST that must answer 201; returns the body."""
        response = self.post(path, json)
        assert response.status_code == 201, f"POST {path}: {response.status_code} {response.get_data(as_text=True)}"
        return response.get_json()


class ServiceApp:
    def __init__(self, name: str, redis_url: str, urls: dict | None = None):
        self.name = name
        self.definition = service.load(name)
        self.settings = Settings(redis_url=redis_url, broker_url=redis_url, region=REGION, jwt_secret=SECRET,
                                 urls=urls or {})
        self.app = service.create_app(self.definition, self.settings)
        self.runtime = self.app.extensions["bapas"]
        self.redis = redis_lib.Redis.from_url(redis_url, decode_responses=True)
        self.applier = Applier(self.redis, service=name, handlers=self.definition.handlers(self.runtime))

    def as_(self, role: str = "admin", sub: str | None = None, group_id: str | None = None) -> Caller:
        if role == "partner" and group_id is None:
            group_id = str(uuid.uuid4())
        return Caller(self.app.test_client(), token(role, sub, group_id))

    def deliver(self, event_type: str, data: dict, sequence: int) -> str:
        """Apply another service's event as the worker would; returns applied, duplicate or stale."""
        return self.applier.apply(self.event(event_type, data, sequence))

    @staticmethod
    def event(event_type: str, data: dict, sequence: int) -> dict:
        """Another service's event (its type names it), as the broker would deliver it."""
        return envelope.build_event(region=REGION, service=event_type.split(".")[0], type=event_type,
                                    subject=data["id"], sequence=sequence, data=data, correlation_id=str(uuid.uuid4()))


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    return response.get_json(force=True)
