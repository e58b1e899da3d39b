"""Cairn's command line: serve (default), shell, migrate, demo, nudge, teams-package.

Run from the repository root: `python3 dev.py [command]` (it makes the virtual environment on
first use), or `.venv/bin/cairn [command]` once it exists. Configuration comes from the
environment and a `.env` file (see README).
"""

from __future__ import annotations

import asyncio
import getpass
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import click

if TYPE_CHECKING:
    from wiring.settings import Settings

T = TypeVar("T")

#: How the README and every hint start a command: works on a fresh checkout, venv or not.
SHELL_HINT = "python3 dev.py shell"


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def _run(main: Callable[[], Awaitable[T]]) -> T:
    """Runs a coroutine; storage problems end with a one-line message, not a traceback."""
    from storage import StorageError

    try:
        return asyncio.run(main())
    except StorageError as error:
        raise click.ClickException(str(error)) from None


def _settings() -> Settings:
    from pydantic import ValidationError

    from wiring.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}"
                             for e in error.errors())
        raise click.ClickException(f"bad configuration: {problems}") from None


@click.group(invoke_without_command=True)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Cairn: goals, milestones and tasks where your team already talks."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(serve)


@cli.command()
def serve() -> None:
    """Run the HTTP server and the adapters that are configured (the default)."""
    settings = _settings()
    _setup_logging(settings.log_level)

    async def main() -> None:
        from storage import StorageError
        from wiring.runtime import start_runtime
        from wiring.server import serve as serve_http
        from wiring.startup import StartupFailed, startup_failed

        try:
            try:
                runtime = await start_runtime(settings, progress=_print_migration)
            except StorageError:
                raise
            except Exception as error:
                raise startup_failed("opening the database", error) from error
            await serve_http(runtime)  # closes the runtime, even when it cannot start
        except StartupFailed as error:  # nothing is left running: the process ends
            raise click.ClickException(str(error)) from None

    _run(main)


@cli.command()
@click.option("--tenant", default="local", show_default=True, help="Workspace to enter.")
@click.option("--user", default=None, help="Who you are (default: your login name).")
@click.option("--tz", "timezone", default=None,
              help="Your IANA time zone (default: this machine's).")
def shell(tenant: str, user: str | None, timezone: str | None) -> None:
    """Talk to Cairn in the terminal; pipe lines in to script it."""
    settings = _settings()
    _setup_logging("WARNING")

    async def main() -> int:
        from bots.shell.render import Style
        from bots.shell.session import ShellSession, piped_lines, prompted_lines
        from core.errors import DomainError
        from wiring.runtime import start_runtime

        runtime = await start_runtime(settings)
        try:
            try:
                session = await ShellSession.open(
                    runtime.deps, tenant=tenant, user=user or _login_name(),
                    timezone=timezone or _local_timezone())
            except DomainError as error:
                raise click.ClickException(error.message) from None
            interactive = sys.stdin.isatty()
            if sys.stderr.isatty():
                from bots.shell.progress import ProgressBar

                session.progress = ProgressBar(sys.stderr)
            if interactive:
                click.echo(f"Cairn · {session.tenant_slug} as @{session.actor.handle}. "
                           "Type `help`, `as @name` to switch person, Ctrl-D to leave.")
                lines = prompted_lines(session)
            else:
                lines = piped_lines(sys.stdin)
            return await session.run(lines, _write, style=Style(color=sys.stdout.isatty()),
                                     separate=interactive)
        finally:
            await runtime.close()

    sys.exit(_run(main))


@cli.command()
def migrate() -> None:
    """Apply pending database migrations."""
    settings = _settings()
    _setup_logging("WARNING")

    async def main() -> list[str]:
        from storage import open_database

        database = await open_database(settings.database_url, migrate=False)
        try:
            return await database.migrate(progress=_print_migration)
        finally:
            await database.close()

    applied = _run(main)
    click.echo(f"{len(applied)} migration(s) applied." if applied else "Already up to date.")


@cli.command()
@click.option("--tenant", default="acme", show_default=True, help="Workspace to create.")
def demo(tenant: str) -> None:
    """Load a demo company (5 people, 3 goals, two weeks of history)."""
    settings = _settings()
    _setup_logging("WARNING")

    async def main() -> None:
        from tqdm import tqdm

        from wiring.demo import DemoError, demo_steps, load_demo
        from wiring.runtime import start_runtime

        runtime = await start_runtime(settings)
        try:
            with tqdm(total=demo_steps(), desc="Loading the demo", unit="step") as bar:
                await load_demo(runtime.deps, slug=tenant, real_now=datetime.now(UTC),
                                step=lambda _: bar.update())
        except DemoError as error:
            raise click.ClickException(str(error)) from None
        finally:
            await runtime.close()

    _run(main)
    click.echo(f"Demo loaded. Try it: {SHELL_HINT} --tenant {tenant} --user alice")


@cli.command()
@click.option("--dry-run", is_flag=True,
              help="Print what would be sent, and to whom; send and record nothing.")
@click.option("--at", "at", default=None, metavar="WHEN",
              help="With --dry-run: the moment to look at, like 2026-12-07T09:00 "
                   "(UTC unless it has an offset). Default: now.")
def nudge(dry_run: bool, at: str | None) -> None:
    """Run one sweep of check-ins, deadline alerts and digests now, and deliver them."""
    settings = _settings()
    _setup_logging("WARNING")
    if at is not None and not dry_run:
        raise click.UsageError("--at only goes with --dry-run: a real sweep runs now")
    moment = _moment(at) if at is not None else datetime.now(UTC)

    async def main() -> str:
        from datetime import timedelta

        from bots.shell.render import render
        from core.nudges.delivery import deliver_due
        from core.nudges.preview import preview
        from core.nudges.sweep import sweep
        from core.reports.posts import claim_weekly_reports, due_weekly_reports
        from wiring.nudges import NudgeEngine, pacer
        from wiring.registry import platform_notifiers
        from wiring.runtime import start_runtime

        runtime = await start_runtime(settings)
        grace = timedelta(minutes=settings.nudges_grace_minutes)
        try:
            if dry_run:
                reports = await due_weekly_reports(runtime.deps, moment)
                return render(await preview(runtime.deps.uow, moment, grace, posts=reports))
            notifiers, stops = await platform_notifiers(runtime)
            try:
                swept = await sweep(runtime.deps.uow, runtime.deps.clock, grace)
                await claim_weekly_reports(runtime.deps)
                done = await deliver_due(runtime.deps.uow, runtime.deps.clock, notifiers,
                                         pacer(), makers=NudgeEngine(runtime).makers)
            finally:
                for stop in stops:
                    await stop()
            return (f"Swept: {swept.claimed} claimed ({swept.checkins} check-ins, "
                    f"{swept.alerts} deadline alerts, {swept.digests} digests; "
                    f"{swept.due - swept.claimed} were claimed before).\n"
                    f"Delivered: {done.sent} sent, {done.skipped} skipped, {done.later} later.")
        finally:
            await runtime.close()

    click.echo(_run(main))


@cli.command("teams-package")
@click.option("--output", "-o", default="cairn-teams.zip", show_default=True,
              type=click.Path(dir_okay=False, writable=True),
              help="Where to write the package.")
def teams_package(output: str) -> None:
    """Write the Teams app package (manifest and icons) for the org's app catalog."""
    settings = _settings()
    from importlib.metadata import PackageNotFoundError, version

    from bots.teams.package import PackageError, package

    try:
        release = version("cairn")
    except PackageNotFoundError:
        release = "1.0.0"
    try:
        data = package(app_id=(settings.microsoft_app_id or "").strip(),
                       public_url=settings.public_url, version=release)
    except PackageError as error:
        raise click.ClickException(str(error)) from None
    try:
        with open(output, "wb") as file:
            file.write(data)
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}"
                                   ) from None
    click.echo(f"Wrote {output} (bot {settings.microsoft_app_id}, messaging endpoint "
               f"{settings.public_url.rstrip('/')}/api/messages). Upload it in Teams: Apps › "
               "Manage your apps › Upload an app.")


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter(f"{text[:40]!r} is not a moment; try 2026-12-07T09:00",
                                 param_hint="--at") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _print_migration(event: str, app_label: str, name: str) -> None:
    if event == "apply_start":
        click.echo(f"Applying migration {app_label}.{name} ...", err=True)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


def _local_timezone() -> str:
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:
        return "UTC"


if __name__ == "__main__":
    cli()
