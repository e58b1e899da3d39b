"""Typing into a shell session: a line that must be accepted, one that must be refused."""

from __future__ import annotations

from bots.shell.session import ShellSession


async def say(shell: ShellSession, line: str) -> str:
    answer = await shell.answer(line)
    assert answer is not None
    assert answer.ok, f"{line!r} was refused:\n{answer.text}"
    return answer.text


async def refused(shell: ShellSession, line: str) -> str:
    answer = await shell.answer(line)
    assert answer is not None
    assert not answer.ok, f"{line!r} was accepted:\n{answer.text}"
    assert answer.text.startswith("❌ ") and "Traceback" not in answer.text
    return answer.text


async def meet(shell: ShellSession, *handles: str) -> None:
    """People join the shell's tenant the first time they act (`as @name`)."""
    me = shell.actor.handle
    for handle in handles:
        await say(shell, f"as @{handle}")
    await say(shell, f"as @{me}")
