"""Calls to the services' APIs, as the signed-in user: every call carries a short-lived token of
the user's own identity, so the services' rules (role, region, partner's group) hold here too.

One small client per service; `parallel` runs the calls a page needs at the same time.
"""
import functools
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import orjson
import requests

from shared.auth import Principal, issue_token

TOKEN_TTL_SECONDS = 120
TIMEOUT_SECONDS = 10
MAX_PAGES = 10                      # a list read whole stops after this many pages of 500
DESCRIPTION_TTL_SECONDS = 60        # how long what a service offers (its OpenAPI document) is trusted
_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="portal-api")


class ApiError(Exception):
    """A service's refusal (problem+json) or its absence (status 503, no problem)."""

    def __init__(self, status: int, problem: dict | None = None):
        self.status = status
        self.problem = problem or {}
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        return self.problem.get("detail") or self.problem.get("title") or f"HTTP {self.status}"

    @property
    def field_errors(self) -> dict:
        errors = self.problem.get("errors")
        return errors if isinstance(errors, dict) else {}


@dataclass(frozen=True)
class File:
    content: bytes
    content_type: str
    disposition: str | None


# Whom the portal acts for: the same identity the services read from a token.
Identity = Principal


class ServiceClient:
    def __init__(self, base_url: str, secret: str, identity: Identity, session: requests.Session, *,
                 audience: str = "", issuer: str = ""):
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.identity = identity
        self.http = session
        self.audience, self.issuer = audience, issuer  # the deployment's BAPAS_JWT_AUDIENCE / _ISSUER
        self._token, self._token_until = "", 0.0

    def _bearer(self) -> str:
        """The user's short-lived token, minted once for the calls of one page (a client lives for one
        request): the services' token cache then verifies it once, not once per call."""
        now = time.monotonic()
        if now >= self._token_until:
            self._token = issue_token(self.secret, role=self.identity.role, sub=self.identity.sub,
                                      region=self.identity.region, group_id=self.identity.group_id,
                                      ttl_seconds=TOKEN_TTL_SECONDS, audience=self.audience, issuer=self.issuer)
            self._token_until = now + TOKEN_TTL_SECONDS / 2  # never sent with less than half its life left
        return self._token

    def _headers(self, version: int | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self._bearer()}", "Accept": "application/json"}
        if version is not None:
            headers["If-Match"] = f'"{version}"'
        return headers

    def _send(self, method: str, path: str, *, params=None, json=None, version=None, headers=None):
        try:
            answer = self.http.request(method, self.base_url + path, params=params, json=json,
                                       headers={**self._headers(version), **(headers or {})},
                                       timeout=TIMEOUT_SECONDS, **environment(self.base_url))
        except requests.RequestException:
            raise ApiError(503) from None
        if answer.status_code >= 400:
            problem = answer.json() if "json" in answer.headers.get("Content-Type", "") else None
            raise ApiError(answer.status_code, problem)
        return answer

    def request(self, method: str, path: str, *, params=None, json=None, version=None, headers=None):
        # orjson: a PK's caseload (300 clients with their guidance, 300 KB) in a third of requests' .json()
        answer = self._send(method, path, params=params, json=json, version=version, headers=headers)
        return orjson.loads(answer.content)

    def file(self, path: str, **params) -> "File":
        """A file the service renders (a workbook, a PDF), with its type and Content-Disposition as sent."""
        answer = self._send("GET", path, params={k: v for k, v in params.items() if v not in (None, "")},
                            headers={"Accept": "*/*"})
        return File(answer.content, answer.headers.get("Content-Type", "application/octet-stream"),
                    answer.headers.get("Content-Disposition"))

    def get(self, path: str, **params):
        return self.request("GET", path, params={k: v for k, v in params.items() if v not in (None, "")})

    def post(self, path: str, body: dict | None = None, version: int | None = None, headers=None):
        return self.request("POST", path, json=body or {}, version=version, headers=headers)

    def patch(self, path: str, body: dict, version: int | None = None):
        return self.request("PATCH", path, json=body, version=version)

    def put(self, path: str, body: dict, version: int | None = None):
        return self.request("PUT", path, json=body, version=version)

    def offers(self, path: str, parameter: str) -> bool:
        """Whether the service's own OpenAPI document lists this query parameter on GET `path`: a
        filter it does not know must not be sent (a service that ignored it would answer everyone)."""
        return (path, parameter) in _described_parameters(self.base_url, self.http)

    def all(self, path: str, **params) -> list:
        """Every item of a list, page after page (at most MAX_PAGES pages of 500)."""
        items, cursor = [], None
        for _ in range(MAX_PAGES):
            page = self.get(path, limit=500, cursor=cursor, **params)
            items.extend(page["items"])
            cursor = page.get("next_cursor")
            if not cursor:
                break
        return items


def new_session() -> requests.Session:
    """The portal's HTTP session: it does not read the environment at every call (with 50 variables, about a third
    of a call's CPU here); `environment` gives each call what requests would have read there."""
    http = requests.Session()
    http.trust_env = False
    return http


@functools.lru_cache(maxsize=64)
def environment(base_url: str) -> dict:
    """What requests reads from the environment for a call to `base_url` (its proxies, with NO_PROXY applied; a CA
    bundle), read once: the portal's environment does not change while it runs."""
    return {"proxies": requests.utils.get_environ_proxies(base_url),
            "verify": os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True}


_descriptions: dict[str, tuple[float, frozenset]] = {}
_descriptions_lock = threading.Lock()


def _described_parameters(base_url: str, http: requests.Session) -> frozenset:
    now = time.monotonic()
    cached = _descriptions.get(base_url)
    if cached and cached[0] > now:
        return cached[1]
    try:
        document = http.get(base_url + "/openapi.json", timeout=TIMEOUT_SECONDS, **environment(base_url)).json()
        found = frozenset((path, parameter["name"]) for path, item in document.get("paths", {}).items()
                          for parameter in item.get("get", {}).get("parameters", []) if parameter.get("in") == "query")
    except (requests.RequestException, ValueError, AttributeError):
        found = frozenset()
    with _descriptions_lock:
        _descriptions[base_url] = (now + DESCRIPTION_TTL_SECONDS, found)
    return found


class Services:
    """The services, as one user."""

    def __init__(self, urls: dict, secret: str, identity: Identity, session: requests.Session | None = None, *,
                 audience: str = "", issuer: str = ""):
        session = session or new_session()
        self.identity = identity
        self.klien, self.pokmas, self.bimbingan, self.laporan = (
            ServiceClient(urls[name], secret, identity, session, audience=audience, issuer=issuer)
            for name in ("klien", "pokmas", "bimbingan", "laporan"))

    def by_name(self, name: str) -> ServiceClient:
        return {"klien": self.klien, "pokmas": self.pokmas, "bimbingan": self.bimbingan}[name]


class Outcome:
    """What one of several parallel calls gave: its value, or the ApiError it raised."""

    def __init__(self, value=None, error: ApiError | None = None):
        self.value, self.error = value, error

    @property
    def ok(self) -> bool:
        return self.error is None

    def value_or(self, default):
        return self.value if self.error is None else default


def parallel(**calls) -> dict[str, Outcome]:
    """Run the zero-argument `calls` at the same time; each answers an Outcome, so one failing
    call leaves the rest of the page standing. The calls run in other threads: they must not touch
    flask.g or the request (take what they need into local names first)."""
    futures = {name: _pool.submit(call) for name, call in calls.items()}
    outcomes = {}
    for name, future in futures.items():
        try:
            outcomes[name] = Outcome(future.result())
        except ApiError as error:
            outcomes[name] = Outcome(error=error)
    return outcomes
