"""Contract: an idempotency key is claimed once per tenant, with the transaction it is in."""

from __future__ import annotations

from datetime import timedelta

from core.ports import UnitOfWorkFactory
from tests.storage.builders import NOW, workspace


async def test_a_key_is_claimed_once_per_tenant_and_only_when_committed(
        uow: UnitOfWorkFactory) -> None:
    acme = await workspace(uow, "acme")
    globex = await workspace(uow, "globex", handle="gina")
    async with uow(acme.id) as tx:
        assert await tx.idempotency.claim("view:V1", command="EditMilestone", at=NOW)
        # Not committed: rolled back with the block.
    async with uow(acme.id) as tx:
        assert await tx.idempotency.claimed("view:V1") is None
        assert await tx.idempotency.claim("view:V1", command="EditMilestone", at=NOW)
        assert not await tx.idempotency.claim("view:V1", command="EditMilestone", at=NOW)
        await tx.commit()
    async with uow(acme.id) as tx:
        assert await tx.idempotency.claimed("view:V1") == "EditMilestone"
        assert not await tx.idempotency.claim("view:V1", command="Other", at=NOW)
        await tx.commit()  # the transaction is still usable after a refused claim
    async with uow(globex.id) as tx:
        assert await tx.idempotency.claimed("view:V1") is None
        assert await tx.idempotency.claim("view:V1", command="AddComment", at=NOW)
        await tx.commit()
    async with uow() as tx:
        assert await tx.idempotency.forget(before=NOW) == 0
        assert await tx.idempotency.forget(before=NOW + timedelta(seconds=1)) == 2
        await tx.commit()
    async with uow(acme.id) as tx:
        assert await tx.idempotency.claimed("view:V1") is None
