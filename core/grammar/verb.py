"""A verb of the grammar: its names, usage, help section and parser, and the context every
parser reads."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from core.commands import Actor, AnyCommand


@dataclass(frozen=True, slots=True)
class Context:
    actor: Actor
    today: date
    identity_prefix: str = ""


Parser = Callable[[str, Context], AnyCommand]


@dataclass(frozen=True, slots=True)
class Verb:
    names: tuple[str, ...]
    usage: str
    summary: str
    section: str
    parse: Parser
    examples: tuple[str, ...] = ()
