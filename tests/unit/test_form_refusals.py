"""The core's refusals of a submitted milestone form land on the field that caused them, and
nothing is saved."""

from __future__ import annotations

import pytest

from core.bus import execute
from core.commands import UserRef
from core.errors import InvalidInput
from core.interactions.forms import MilestoneFormValues, SubmitMilestoneForm
from tests.unit.conftest import Company


@pytest.mark.parametrize(("values", "field"), [
    (MilestoneFormValues(title="Beta", parent=99), "parent"),
    (MilestoneFormValues(title="Beta", owner=UserRef(handle="nobody")), "owner"),
    (MilestoneFormValues(title="Beta", members=(UserRef(handle="nobody"),)), "members"),
])
async def test_an_unknown_reference_is_shown_on_its_field(acme: Company,
                                                          values: MilestoneFormValues,
                                                          field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        await execute(SubmitMilestoneForm(actor=acme.alice, values=values), acme.deps)
    assert refused.value.field == field
    assert "don't know" in refused.value.message or "no #99" in refused.value.message
    await acme.refused(acme.alice, "show #1")  # nothing was created
