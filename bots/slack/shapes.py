"""Reading untrusted JSON defensively: each value is checked for the type and size Slack
documents before it is used, and the first one that is not names itself in the error.

`Shape` wraps one JSON object at a path (`payload.view.state`); its readers return clean
values or raise `Malformed(field, problem)`. `check_tree` walks a whole payload once, without
recursion, for what no reader would notice: nesting too deep, text that is not valid Unicode
(lone surrogates from `\\ud800` escapes) or holds NUL characters, which no database column takes.
"""

from __future__ import annotations

import re
from typing import Any

#: Slack's ids (T…, E…, U…, W…, C…, G…, D…, V…, A…): capitals and digits, and our columns hold 32.
ID = re.compile(r"[A-Z][A-Z0-9]{0,31}")
URL = re.compile(r"https?://[^\s<>\"'\x00-\x1f\x7f]{1,2000}")
NAME = 255  # names, ids of blocks and actions, callback ids
SHORT = 64
MAX_DEPTH = 48


class Malformed(Exception):
    """A payload without the shape Slack documents; `field` is the path of what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _join(path: str, key: str | int) -> str:
    """A field's path, fit for a log line whatever the key holds."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    name = _UNSAFE.sub("?", key[:40]) + ("…" if len(key) > 40 else "")
    return f"{path}.{name}" if path else name


class Shape:
    """One JSON object of a payload, read field by field."""

    __slots__ = ("data", "path")

    def __init__(self, data: Any, path: str) -> None:
        if not isinstance(data, dict):
            raise Malformed(path, f"expected an object, got {_kind(data)}")
        self.data: dict[str, Any] = data
        self.path = path

    def wrong(self, key: str, problem: str) -> Malformed:
        return Malformed(_join(self.path, key), problem)

    def present(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str, *, limit: int, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.wrong(key, "missing")
            return ""
        if not isinstance(value, str):
            raise self.wrong(key, f"expected text, got {_kind(value)}")
        if len(value) > limit:
            raise self.wrong(key, f"longer than {limit:,} characters")
        if required and not value:
            raise self.wrong(key, "empty")
        return value

    def ident(self, key: str, *, required: bool = False) -> str:
        value = self.text(key, limit=SHORT, required=required)
        if value and not ID.fullmatch(value):
            raise self.wrong(key, "not a Slack id")
        return value

    def url(self, key: str, *, required: bool = False) -> str:
        value = self.text(key, limit=2000, required=required)
        if value and not URL.fullmatch(value):
            raise self.wrong(key, "not an http(s) URL")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.wrong(key, f"expected true or false, got {_kind(value)}")
        return value

    def number(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**53:
            raise self.wrong(key, f"expected a whole number, got {_kind(value)}")
        return value

    def child(self, key: str, *, required: bool = False) -> Shape | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.wrong(key, "missing")
            return None
        return Shape(value, _join(self.path, key))

    def items(self, key: str, *, required: bool = False) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.wrong(key, "missing")
            return []
        if not isinstance(value, list):
            raise self.wrong(key, f"expected a list, got {_kind(value)}")
        if required and not value:
            raise self.wrong(key, "empty")
        return value

    def objects(self, key: str, *, required: bool = False) -> list[Shape]:
        path = _join(self.path, key)
        return [Shape(item, _join(path, i)) for i, item in
                enumerate(self.items(key, required=required))]

    def mapping(self, key: str) -> dict[str, Any]:
        """An object passed on whole (its readers are defensive): only its type is checked."""
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.wrong(key, f"expected an object, got {_kind(value)}")
        return value


def whole_number(text: str, *, digits: int = 9) -> int | None:
    """A count or a number people type (`12`), from untrusted text: ASCII digits only (`²` is
    a digit to Python but no number to `int`), and short enough for any integer column."""
    if 0 < len(text) <= digits and text.isascii() and text.isdigit():
        return int(text)
    return None


def check_tree(data: Any, path: str) -> None:
    """Every string and key in `data` is encodable text without NUL; nesting is bounded."""
    stack: list[tuple[Any, str, int]] = [(data, path, 0)]
    while stack:
        value, where, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value, where)
        elif isinstance(value, dict | list):
            if depth >= MAX_DEPTH:
                raise Malformed(where, f"nested deeper than {MAX_DEPTH} levels")
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in pairs:
                if isinstance(key, str):
                    _check_text(key, where)
                stack.append((item, _join(where, key), depth + 1))


def _check_text(value: str, where: str) -> None:
    if value.isascii():
        if "\x00" in value:
            raise Malformed(where, "holds a NUL character")
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Malformed(where, "not valid Unicode text") from None
    if "\x00" in value:
        raise Malformed(where, "holds a NUL character")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    return "an object"
