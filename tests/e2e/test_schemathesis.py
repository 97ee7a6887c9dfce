"""Property-based fuzzing of every service's OpenAPI document (schemathesis) over the running
stack: no request, however hostile, gets a 5xx, and every response matches the schema and
content type the service publishes. Each operation on its own (the audit and events feeds
included), then sequences of calls that feed one answer's ids into the next (stateful)."""
import hypothesis
import pytest
import schemathesis
from schemathesis import checks

from shared.config import SERVICES
from shared.http.request_parser import FORBIDDEN

CHECKS = [checks.not_a_server_error, checks.response_schema_conformance, checks.content_type_conformance]
SHARED_PATHS = {"/audit", "/events"}


def load(stack, service: str, token: str):
    headers = {"Authorization": "Bearer " + token}
    loaded = schemathesis.openapi.from_url(f"{stack.url(service)}/openapi.json", headers=headers)
    loaded.config.headers = headers
    return loaded


@pytest.fixture(params=SERVICES)
def api_schema(request, stack, tokens):
    return load(stack, request.param, tokens("admin", "fuzzer"))


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@hypothesis.settings(max_examples=15, deadline=None, derandomize=True,
                     suppress_health_check=list(hypothesis.HealthCheck))
def test_no_request_gets_a_server_error_or_an_undocumented_answer(case, tokens):
    case.call_and_validate(headers={"Authorization": "Bearer " + tokens("admin", "fuzzer")}, checks=CHECKS)


@pytest.mark.parametrize("service", SERVICES)
def test_the_fuzzed_documents_cover_the_audit_and_events_feeds(stack, tokens, service):
    paths = {result.ok().path for result in load(stack, service, tokens()).get_all_operations()}
    assert SHARED_PATHS <= paths


def without_forbidden_text(value):
    """Text as people type it: with control characters in most generated strings, almost every write
    would be refused and the sequences would never reach a created resource (the single-operation
    run above and tests/integration/test_hostile_input.py send those characters)."""
    if isinstance(value, str):
        return FORBIDDEN.sub("x", value)
    if isinstance(value, dict):
        return {without_forbidden_text(k): without_forbidden_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_forbidden_text(v) for v in value]
    return value


@pytest.mark.parametrize("service", SERVICES)
def test_no_sequence_of_calls_gets_a_server_error_or_an_undocumented_answer(stack, tokens, service):
    headers = {"Authorization": "Bearer " + tokens("admin", "stateful-fuzzer")}

    loaded = load(stack, service, tokens("admin", "stateful-fuzzer"))
    loaded.hook("map_body")(lambda _context, body: without_forbidden_text(body))
    loaded.hook("map_query")(lambda _context, query: without_forbidden_text(query))

    class Machine(loaded.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, headers=headers)

    Machine.run(settings=hypothesis.settings(max_examples=15, stateful_step_count=6, deadline=None,
                                             derandomize=True, suppress_health_check=list(hypothesis.HealthCheck)))
