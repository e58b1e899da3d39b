"""Schemathesis against the served document: generated requests (valid and not) to every
operation, checked for server errors and for answers that break the document. Lean: a few
examples per operation (CI has two cores)."""

from __future__ import annotations

import asyncio
import warnings

import pytest
import schemathesis
from hypothesis.errors import NonInteractiveExampleWarning
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.api.conftest import Api

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
EXAMPLES = 2


def _check_every_operation(base: str, spec: dict[str, object], token: str) -> list[str]:
    schema = schemathesis.openapi.from_dict(spec)
    schema.config.update(base_url=base)
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        strategy = operation.as_strategy()
        for _ in range(EXAMPLES):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NonInteractiveExampleWarning)
                case = strategy.example()
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            if response.status_code >= 500:
                problems.append(f"{operation.label}: {response.status_code} {response.text}")
                continue
            try:
                # A request the schema allows may still be refused by the core with a 422 (an
                # unknown person, a cursor this API never made, an http:// webhook): that is
                # the documented answer, not a schema mismatch.
                case.validate_response(response, excluded_checks=[positive_data_acceptance],
                                       headers={"Authorization": f"Bearer {token}"})
            except FailureGroup as failures:
                problems += [f"{operation.label}: {f}" for f in failures.exceptions]
            except AssertionError as failure:
                problems.append(f"{operation.label}: {failure}")
    return problems


async def test_generated_requests_never_get_a_server_error_or_break_the_spec(api: Api) -> None:
    token = await api.token('token new "Fuzz" write')
    for title in ("Goal", "Milestone", "Task"):
        await api.call("POST", "/milestones", token, json={"title": title})
    async with api.http.get(api.base + "/openapi.json") as response:
        spec = await response.json()
    problems = await asyncio.to_thread(_check_every_operation, api.base, spec, token)
    assert problems == [], "\n".join(problems[:20])
