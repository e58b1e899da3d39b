"""`tag` and `q` are conditions of the database query itself: pages by cursor stay exact to
the end, on both backends, and wildcards in `q` are plain characters."""

from __future__ import annotations

import pytest

from tests.api.conftest import Api

pytestmark = pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)


async def test_tag_and_text_filters_page_to_the_end(api: Api) -> None:
    token = await api.token('token new "CRM" write')
    for i in range(9):
        await api.call("POST", "/milestones", token, json={
            "title": f"Launch {'beta' if i % 3 else 'gamma'} {i}",
            "description": "100% done_soon" if i == 8 else "",
            "tags": ["Q1", "sales"] if i % 2 else ["q2"]})

    async def pages(query: str) -> list[int]:
        numbers: list[int] = []
        cursor = ""
        while True:
            status, page, _ = await api.call("GET", f"/milestones?limit=2&{query}{cursor}",
                                             token)
            assert status == 200 and len(page["items"]) <= 2, page
            numbers += [m["number"] for m in page["items"]]
            if not page["next_cursor"]:
                return numbers
            cursor = f"&cursor={page['next_cursor']}"

    assert await pages("tag=q1") == [2, 4, 6, 8]
    assert await pages("tag=%23SALES") == [2, 4, 6, 8]  # `#sales`, any case
    assert await pages("q=BETA%20launch") == [2, 3, 5, 6, 8, 9]
    assert await pages("tag=q2&q=gamma") == [1, 7]
    assert await pages("q=100%25") == [9]  # `%` is a character, not a wildcard
    assert await pages("q=e_s") == [9] and await pages("q=a_n") == []  # nor `_` (Launch)
    assert await pages("tag=q%25") == []
