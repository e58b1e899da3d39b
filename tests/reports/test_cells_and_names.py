"""Spreadsheet cells that could run, and file names that could escape their folder."""

from __future__ import annotations

import pytest

from integrations.exports.cells import neutralised, person
from integrations.exports.files import file_name


@pytest.mark.parametrize(("text", "cell"), [
    ("=1+1", "'=1+1"), ("+1+1", "'+1+1"), ("-1+1", "'-1+1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("-5", "-5"), ("+3.25", "+3.25"), ("-.5", "-.5"),
    ("-1e-3", "-1e-3"), ("-", "'-"), ("- list item", "'- list item"), ("a=b", "a=b"),
    ("", ""), ("Plain", "Plain"), ("'already", "'already"),
])
def test_formula_starts_get_an_apostrophe_plain_numbers_do_not(text: str, cell: str) -> None:
    assert neutralised(text) == cell


def test_people_lose_their_at_and_stay_inert() -> None:
    assert person("@alice") == "alice" and person("bob") == "bob"
    assert person("@=cmd") == "'=cmd"


@pytest.mark.parametrize(("parts", "name"), [
    (("cairn", "Company", "Q4 2026"), "cairn-company-q4-2026.xlsx"),
    (("cairn", "Team ../../etc/passwd"), "cairn-team-etc-passwd.xlsx"),
    (("cairn", "@alice", "Week of Mon 23 Nov 2026"), "cairn-alice-week-of-mon-23-nov-2026.xlsx"),
    (("Ανάπτυξη", "東京"), "ανάπτυξη-東京.xlsx"),
    (("...", "/", "___"), "export.xlsx"),
    (("x" * 300,), "x" * 80 + ".xlsx"),
])
def test_file_names_are_safe_slugs(parts: tuple[str, ...], name: str) -> None:
    assert file_name(*parts, extension="xlsx") == name
