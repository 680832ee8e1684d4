"""Schemathesis against the OpenAPI the running service serves: never a 5xx.

Every operation gets positive and negative (schema-violating) cases, sent with the
facilitator's token and without any token, to `python -m services.ingest` as a process.
"""

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import Case, GenerationMode
from schemathesis.core.result import Ok

from harness.processes import served_ingest
from tests.component.ingest.conftest import FACILITATOR

EXAMPLES_PER_OPERATION = 40


@pytest.fixture(scope="module")
def served(kafka_bootstrap: str, postgres_url: str) -> Iterator[str]:
    with served_ingest(kafka_bootstrap, postgres_url) as url:
        yield url


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_request_gets_a_server_error(served: str, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_url(f"{served}/openapi.json")
    results = list(schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), "the served OpenAPI is invalid"
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    server_errors: list[str] = []
    skipped: list[str] = []

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Case[Any]) -> None:
            for headers in (FACILITATOR, None):
                response = case.call(base_url=served, headers=headers)
                if response.status_code >= 500:
                    server_errors.append(f"{case.method} {case.path}: {response.status_code}")

        try:
            call()
        except Unsatisfiable:  # nothing to violate: no parameter, no body (/health, /metrics)
            assert mode is GenerationMode.NEGATIVE
            assert operation.method.upper() == "GET"
            skipped.append(operation.path)

    assert len(operations) >= 9
    assert len(skipped) <= 2
    assert server_errors == []
