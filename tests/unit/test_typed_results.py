"""The command bus answers a typed result per command: `execute(ShowMilestone(...))` is a
`MilestoneCard` to mypy. The bus pairs each command with its use case in a table, so this test
checks the pairing mypy cannot see: each use case answers what its command declares."""

from __future__ import annotations

import typing

from core.bus import HANDLERS
from core.commands import Command


def declared(command: type[Command]) -> type:  # type: ignore[type-arg]
    for klass in command.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            if typing.get_origin(base) is Command:
                (answer,) = typing.get_args(base)
                return typing.cast(type, answer)
    raise AssertionError(f"{command.__name__} does not say what it answers")


def test_every_use_case_answers_what_its_command_declares() -> None:
    for command, handler in HANDLERS.items():
        answers = typing.get_type_hints(handler)["return"]
        assert issubclass(answers, declared(command)), (command.__name__, answers)
