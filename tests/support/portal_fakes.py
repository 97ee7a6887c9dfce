"""Fakes for the portal's page tests: the services answer from a table, accounts live in a dict."""
import fnmatch
import re

from services.portal.clients import ApiError, Identity

SECRET = "unit-test-secret"


class FakeRedis:
    """The few Redis commands the portal's account store uses, in memory."""

    def __init__(self):
        self.values, self.sets = {}, {}

    def set(self, key, value, nx=False, ex=None):
        if nx and key in self.values:
            return None
        self.values[key] = value
        return True

    def get(self, key):
        return self.values.get(key)

    def mget(self, keys):
        return [self.values.get(k) for k in keys]

    def delete(self, *keys):
        for key in keys:
            self.values.pop(key, None)
            self.sets.pop(key, None)

    def expire(self, key, seconds):
        return key in self.values

    def sadd(self, key, *members):
        self.sets.setdefault(key, set()).update(members)

    def srem(self, key, *members):
        self.sets.get(key, set()).difference_update(members)

    def smembers(self, key):
        return set(self.sets.get(key, set()))

    def scard(self, key):
        return len(self.sets.get(key, set()))


class FakeService:
    """One service: answers[(METHOD, path pattern)] = value, or a callable(params_or_body) -> value;
    an ApiError value is raised. Every call is kept in `calls`."""

    def __init__(self, answers: dict | None = None):
        self.answers = dict(answers or {})
        self.calls = []
        self.parameters: set[tuple[str, str]] = set()      # (path, query parameter) its OpenAPI lists

    def offers(self, path, parameter):
        return (path, parameter) in self.parameters

    def _answer(self, method, path, payload):
        self.calls.append((method, path, payload))
        for (m, pattern), value in self.answers.items():
            if m == method and fnmatch.fnmatchcase(path, pattern):
                value = value(payload) if callable(value) else value
                if isinstance(value, ApiError):
                    raise value
                return value
        raise ApiError(404, {"title": "Not Found", "detail": f"no fake answer for {method} {path}"})

    def get(self, path, **params):
        return self._answer("GET", path, {k: v for k, v in params.items() if v not in (None, "")})

    def all(self, path, **params):
        return self.get(path, **params)["items"]

    def file(self, path, **params):
        """Answered from the same table as a GET: the value is a clients.File."""
        return self.get(path, **params)

    def post(self, path, body=None, version=None, headers=None):
        payload = {"body": body or {}, "version": version}
        if headers:
            payload["headers"] = headers
        return self._answer("POST", path, payload)

    def patch(self, path, body, version=None):
        return self._answer("PATCH", path, {"body": body, "version": version})

    def put(self, path, body, version=None):
        return self._answer("PUT", path, {"body": body, "version": version})

    def posted(self, pattern: str) -> list:
        return [payload for method, path, payload in self.calls if method == "POST" and re.fullmatch(pattern, path)]


class FakeServices:
    def __init__(self):
        self.klien, self.pokmas, self.bimbingan = FakeService(), FakeService(), FakeService()
        self.laporan = FakeService()
        self.identities: list[Identity] = []

    def factory(self, identity):
        self.identities.append(identity)
        return self

    def by_name(self, name):
        return getattr(self, name)


def problem(status: int, detail: str = "", errors: dict | None = None) -> ApiError:
    body = {"title": "refused", "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return ApiError(status, body)
