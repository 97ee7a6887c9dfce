"""Property-based fuzzing of every service's OpenAPI document (schemathesis) over the running
stack: no request, however hostile, gets a 5xx, and every response matches the schema and
content type the service publishes."""
import hypothesis
import pytest
import schemathesis
from schemathesis import checks

from shared.config import SERVICES

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]


@pytest.fixture(params=SERVICES)
def api_schema(request, stack, tokens):
    headers = {"Authorization": "Bearer " + tokens("admin", "fuzzer")}
    loaded = schemathesis.openapi.from_url(f"{stack.url(request.param)}/openapi.json", headers=headers)
    loaded.config.headers = headers
    return loaded


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(max_examples=15, deadline=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_request_gets_a_server_error_or_an_undocumented_answer(case, tokens):
    case.call_and_validate(headers={"Authorization": "Bearer " + tokens("admin", "fuzzer")}, checks=CHECKS)
