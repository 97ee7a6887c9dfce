"""The calls the portal makes: a short-lived token of the user's own identity, accepted by the services."""
import requests

from services.portal.clients import ApiError, Identity, ServiceClient, parallel
from shared.auth import authenticate

SECRET = "unit-secret"


class Recorder(requests.Session):
    def __init__(self, status=200, body=b'{"items": [], "next_cursor": null}', content_type="application/json"):
        super().__init__()
        self.sent, self.status, self.body, self.content_type = [], status, body, content_type

    def request(self, method, url, **kwargs):
        self.sent.append((method, url, kwargs))
        answer = requests.Response()
        answer.status_code, answer._content = self.status, self.body
        answer.headers["Content-Type"] = self.content_type
        return answer


def test_each_call_carries_a_token_of_the_users_identity_that_the_services_accept():
    http = Recorder()
    identity = Identity(sub="mitra.a", role="partner", region="sumsel", group_id="11111111-1111-4111-8111-111111111111")
    ServiceClient("http://klien", SECRET, identity, http).get("/clients", q="budi", status=None)
    method, url, kwargs = http.sent[0]
    assert (method, url, kwargs["params"]) == ("GET", "http://klien/clients", {"q": "budi"})
    principal = authenticate(kwargs["headers"]["Authorization"], secret=SECRET, region="sumsel")
    assert (principal.sub, principal.role, principal.group_id) == ("mitra.a", "partner", identity.group_id)


def test_a_deployment_with_an_audience_and_an_issuer_accepts_the_portals_calls():
    """With BAPAS_JWT_AUDIENCE / BAPAS_JWT_ISSUER set the services refuse a token without them (401)."""
    http = Recorder()
    client = ServiceClient("http://klien", SECRET, Identity("pk1", "officer", "r"), http,
                           audience="bapas-api", issuer="bapas-portal")
    client.get("/clients")
    client.get("/clients/1")
    first, second = (sent[2]["headers"]["Authorization"] for sent in http.sent)
    principal = authenticate(first, secret=SECRET, region="r", audience="bapas-api", issuer="bapas-portal")
    assert principal.sub == "pk1"
    assert first == second  # one token for a page's calls: the services verify it once


def test_a_write_sends_the_version_it_read_as_if_match():
    http = Recorder(body=b"{}")
    ServiceClient("http://b", SECRET, Identity("pk1", "officer", "r"), http).post("/x", {"a": 1}, version=4)
    assert http.sent[0][2]["headers"]["If-Match"] == '"4"'


def test_a_refusal_is_an_api_error_with_the_problem():
    http = Recorder(status=422, body=b'{"detail": "bad", "errors": {"nik": ["16 digits"]}}',
                    content_type="application/problem+json")
    try:
        ServiceClient("http://k", SECRET, Identity("pk1", "officer", "r"), http).post("/clients", {})
    except ApiError as error:
        assert (error.status, error.detail, error.field_errors) == (422, "bad", {"nik": ["16 digits"]})
    else:
        raise AssertionError("expected an ApiError")


def test_parallel_keeps_each_outcome():
    def refused():
        raise ApiError(503)

    got = parallel(one=lambda: 1, two=refused)
    assert got["one"].value == 1 and got["two"].error.status == 503 and got["two"].value_or("x") == "x"


class FileRecorder(Recorder):
    def request(self, method, url, **kwargs):
        answer = super().request(method, url, **kwargs)
        answer.headers["Content-Disposition"] = 'attachment; filename="laporan-bulanan-2026-11-bapas-x.pdf"'
        return answer


def test_a_file_comes_as_sent_with_its_type_and_name_and_the_users_token():
    http = FileRecorder(body=b"%PDF-1.7 ...", content_type="application/pdf")
    got = ServiceClient("http://laporan", SECRET, Identity("pk1", "officer", "r"), http).file(
        "/reports/monthly", month="2026-11", bapas_office="X", format="pdf")
    assert (got.content, got.content_type) == (b"%PDF-1.7 ...", "application/pdf")
    assert got.disposition == 'attachment; filename="laporan-bulanan-2026-11-bapas-x.pdf"'
    method, url, kwargs = http.sent[0]
    assert kwargs["params"] == {"month": "2026-11", "bapas_office": "X", "format": "pdf"}
    assert kwargs["headers"]["Accept"] == "*/*"
    assert authenticate(kwargs["headers"]["Authorization"], secret=SECRET, region="r").sub == "pk1"


def test_a_refused_file_is_an_api_error():
    http = Recorder(status=403, body=b'{"detail": "partners may not read reports"}',
                    content_type="application/problem+json")
    try:
        ServiceClient("http://laporan", SECRET, Identity("m", "partner", "r", "g-1"), http).file("/reports/monthly")
    except ApiError as error:
        assert (error.status, error.detail) == (403, "partners may not read reports")
    else:
        raise AssertionError("a 403 must raise")


def test_the_environment_is_read_once_and_each_call_gets_what_requests_would_have_read(monkeypatch):
    from services.portal import clients
    clients.environment.cache_clear()
    monkeypatch.setenv("HTTP_PROXY", "http://proxy:3128")
    monkeypatch.setenv("NO_PROXY", "klien")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ca.pem")
    assert not clients.new_session().trust_env               # requests does not read it at every call
    http = Recorder()
    for base in ("http://klien:5001", "http://bimbingan:5003"):
        ServiceClient(base, SECRET, Identity("pk1", "officer", "r"), http).get("/x")
    (_, _, to_klien), (_, _, to_bimbingan) = http.sent
    assert to_klien["proxies"] == {} and to_bimbingan["proxies"]["http"] == "http://proxy:3128"
    assert to_klien["verify"] == to_bimbingan["verify"] == "/etc/ca.pem"
    clients.environment.cache_clear()
