"""Property-based fuzzing of every operation in /openapi.json (schemathesis): never a server error.

Schemathesis's Python API drives Hypothesis directly (its pytest plugin is not used), once per
operation with valid data and once with invalid data, bounded to a few examples each, against
the shared read-only test server. The write endpoints are fuzzed WITHOUT the API key: every
call must be refused (401), never crash, and the shared library is never changed.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

MAX_EXAMPLES = 40


def _operations() -> list[str]:
    """Operation labels ("GET /search"...) from the app's own schema, without starting it."""
    from praxis.service.app import create_app
    from praxis.service.settings import Settings

    paths = create_app(Settings(data="unused")).openapi()["paths"]
    return [f"{method.upper()} {path}" for path, ops in paths.items() for method in ops]


OPERATIONS = _operations()


@pytest.fixture(scope="module")
def api_schema(api_server):
    return schemathesis.openapi.from_url(f"{api_server.url}/openapi.json", timeout=30)


def is_write(label: str) -> bool:
    method, path = label.split(" ", 1)
    return method in ("POST", "DELETE") and path.startswith("/documents")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("label", OPERATIONS)
def test_no_server_errors(api_schema, api_server, label, mode):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is missing from /openapi.json"
    checks = [not_a_server_error]
    if mode == GenerationMode.POSITIVE:  # invalid inputs may be refused by the framework before our models
        checks += [status_code_conformance, content_type_conformance, response_schema_conformance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def run(case):
        if is_write(label) and case.headers:
            case.headers = {k: v for k, v in case.headers.items() if k.lower() != "x-api-key"}
        response = case.call(base_url=api_server.url, timeout=60)
        case.validate_response(response, checks=checks)
        if is_write(label):
            assert response.status_code == 401, "a write without the key must be refused"

    try:
        run()
    except Unsatisfiable:
        if mode != GenerationMode.NEGATIVE:
            raise
        pytest.skip(f"{label} takes no input that could be invalid")
