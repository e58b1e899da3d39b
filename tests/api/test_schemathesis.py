"""Schemathesis against `python app.py serve`, as CI runs it, from the document it serves:
property-based requests (valid and not) to every operation, then stateful scenarios that follow
the document's links (create, then read, change, check in, comment, delete ...). Every answer
is checked for server errors and against the document. Fixed seeds, a lean budget (2 cores).

The state machine is schemathesis' own (`as_state_machine`); its controller's private parts
(`_transitions`, `_root_labels`) are those of the pinned version."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition
from hypothesis.stateful import get_state_machine_test
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.generation.case import Case
from schemathesis.generation.stateful.control import TransitionController
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.specs.openapi.schemas import OpenApiSchema

from tests.serve_process import Served, served

EXAMPLES = 3  # per operation and mode
SCENARIOS, STEPS = 60, 15
SEED = 1409
#: At most this many runs of the state machine, each with the next seed, to reach SCENARIOS
#: (see `_scenarios`); a run that completes them all is the last.
RUNS = 20
#: No server error, and every answer as documented: its status, media type, headers and body.
#: (A request the schema allows may still be refused by the core with a 422, such as an unknown
#: person or a cursor this API never made: that is documented, so positive data acceptance is
#: not asked for.)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance, negative_data_rejection]
#: Where webhooks registered by generated requests point: a closed loopback port. Deliveries
#: must never leave this machine, so serve allows private addresses and every URL becomes this.
SAFE_WEBHOOK = "http://127.0.0.1:9/cairn-schemathesis"
QUIET = hypothesis.settings(database=None, deadline=None, derandomize=True,
                            suppress_health_check=list(HealthCheck), phases=[Phase.generate])


@pytest.fixture(scope="module")
def serve(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("serve"), API_RATE_LIMIT="1000000",
                WEBHOOKS_ALLOW_PRIVATE="1") as running:
        yield running


def _schema(serve: Served) -> OpenApiSchema:
    schema = schemathesis.openapi.from_url(serve.base + "/openapi.json", timeout=10)
    schema.config.update(base_url=serve.base,
                         headers={"Authorization": f"Bearer {serve.token}"})
    # Only the links the document declares: they are what this test is about.
    schema.config.phases.stateful.inference.algorithms = []
    return schema


def _keep_webhooks_local(case: Case) -> None:
    """A URL the schema allows (any non-blank string) becomes the safe one; others stay as
    generated, so a request meant to be refused still is."""
    body = case.body
    if case.operation.label == "POST /webhooks" and isinstance(body, dict):
        url = body.get("url")
        if isinstance(url, str) and url.strip() and len(url) <= 2000:
            case.body = {**body, "url": SAFE_WEBHOOK}


def _call_and_check(case: Case, problems: list[str]) -> None:
    _keep_webhooks_local(case)
    response = case.call()
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup as failures:
        problems += [f"{case.operation.label}: {f}" for f in failures.exceptions]
    except AssertionError as failure:
        problems.append(f"{case.operation.label}: {failure}")


def _examples(case_strategy: Any, check: Callable[[Case], None]) -> None:
    @hypothesis.settings(QUIET, max_examples=EXAMPLES)
    @hypothesis.given(case=case_strategy)
    def each(case: Case) -> None:
        check(case)

    each()


def test_every_operation_answers_generated_requests_as_documented(serve: Served) -> None:
    schema = _schema(serve)
    problems: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        modes = [GenerationMode.POSITIVE]
        if operation.path_parameters or operation.query or operation.body:
            modes.append(GenerationMode.NEGATIVE)  # (a header of any string cannot be wrong)
        for mode in modes:
            _examples(operation.as_strategy(generation_mode=mode),
                      lambda case: _call_and_check(case, problems))
    assert problems == [], "\n".join(problems[:20]) + "\n" + serve.log_tail()


def test_linked_scenarios_never_get_a_server_error_or_break_the_document(serve: Served
                                                                         ) -> None:
    problems: list[str] = []
    completed = [0]

    class Scenarios(_schema(serve).as_state_machine()):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.control = _StartAtTheTop(self._transitions, self._root_labels)

        def before_call(self, case: Case) -> None:
            _keep_webhooks_local(case)

        def validate_response(self, response: Any, case: Case,
                              additional_checks: Any = None, **kwargs: Any) -> None:
            try:
                case.validate_response(response, checks=CHECKS,
                                       transport_kwargs=kwargs or None, recorder=self.recorder)
            except FailureGroup as failures:
                problems.extend(f"{case.operation.label}: {f}" for f in failures.exceptions)
                raise

        def teardown(self) -> None:
            completed[0] += 1
            super().teardown()

    _scenarios(Scenarios, completed)
    assert problems == [], "\n".join(problems[:20]) + "\n" + serve.log_tail()
    assert completed[0] >= SCENARIOS


class _StartAtTheTop(TransitionController):
    """A scenario starts where an integrator starts, with a list or a create: a random number
    under /milestones/{number} would mostly be a 404 (the property-based test sends those)."""

    def allow_root_transition(self, source: str, bundles: Any) -> bool:
        return "{" not in source and super().allow_root_transition(source, bundles)


def _scenarios(machine: type, completed: list[int]) -> None:
    """SCENARIOS scenarios of up to STEPS steps, in runs with fixed seeds.

    The server's state outlives a scenario, so when Hypothesis replays a prefix of choices the
    same requests may now be answered otherwise (a link followed, a bundle still empty) and it
    stops the run as "flaky". That is not a failure of the API: the next run, with the next
    seed, goes on (as schemathesis' own runner does). Check failures are collected as they
    happen, so none is lost to such a stop."""
    for run in range(RUNS):
        left = SCENARIOS - completed[0]
        if left <= 0:
            return
        test = get_state_machine_test(machine, settings=hypothesis.settings(
            QUIET, derandomize=False, max_examples=left, stateful_step_count=STEPS),
            _min_steps=2)
        try:
            hypothesis.seed(SEED + run)(test)()
        except FlakyStrategyDefinition:
            continue
        except FlakyFailure as flaky:
            raise AssertionError(f"a failure that did not repeat: {flaky.exceptions}") from None
        except FailureGroup:
            return
