"""The HTTP server: health, readiness, metrics, and the platform adapters that are configured."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.relay import OutboxConsumer, drain
from integrations.exports.store import FolderFileStore
from wiring.adapters import Attached
from wiring.api import attach_api
from wiring.key_pruning import idempotency_keys_job
from wiring.metrics import Metrics
from wiring.registry import enabled, statuses
from wiring.reports import add_file_route, files_cleanup_job
from wiring.runtime import Runtime
from wiring.scheduler import PeriodicJob, Scheduler, start_scheduler
from wiring.startup import StartupFailed, startup_failed, stop_each

logger = logging.getLogger(__name__)

RUNTIME = web.AppKey("runtime", Runtime)


METRICS = web.AppKey("metrics", Metrics)


@web.middleware
async def _measure(request: web.Request,
                   handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                   ) -> web.StreamResponse:
    metrics: Metrics = request.app[METRICS]
    route = request.match_info.route.resource.canonical if request.match_info.route.resource \
        else "unmatched"
    started = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as error:
        status = error.status
        raise
    finally:
        metrics.requests.labels(route, str(status)).inc()
        metrics.latency.labels(route).observe(time.perf_counter() - started)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    ok = await request.app[RUNTIME].database.ping()
    return web.json_response({"status": "ok" if ok else "database unreachable",
                              "database": ok}, status=200 if ok else 503)


async def metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def build_app(runtime: Runtime) -> web.Application:
    app = web.Application(middlewares=[_measure], client_max_size=1024 * 1024)
    app[RUNTIME] = runtime
    app[METRICS] = runtime.metrics
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics)
    reports = runtime.deps.reports
    if reports is not None and isinstance(reports.files, FolderFileStore):
        add_file_route(app, reports.files, runtime.deps.clock)
    attach_api(runtime, app)
    return app


def relay_job(runtime: Runtime, consumer: OutboxConsumer) -> PeriodicJob:
    async def relay() -> object:
        return await drain(consumer, runtime.deps.uow, runtime.deps.clock)

    return PeriodicJob(f"outbox:{consumer.name}", timedelta(seconds=5), relay)


async def attach_adapters(runtime: Runtime, app: web.Application) -> list[Attached]:
    return [await adapter.attach(runtime, app) for adapter in enabled(runtime.settings)]


async def serve(runtime: Runtime, *, ready: Callable[[int], None] | None = None) -> None:
    """Serves until SIGTERM or SIGINT, then drains requests and jobs (running jobs get a few
    seconds to finish) and closes the database.

    A start-up that fails (an adapter, the port) stops whatever had started, closes the database
    and raises `StartupFailed` with one line to print: nothing is left running to keep the
    process alive."""
    settings = runtime.settings
    for status in statuses(settings):
        logger.info("adapter %s: %s (%s)", status.name, "on" if status.on else "off",
                    status.reason)
    # Signals are caught before the port opens: a SIGTERM that arrives while starting up
    # still ends in a clean shutdown instead of killing the process half-started.
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    attached: list[Attached] = []
    runner: web.AppRunner | None = None
    scheduler: Scheduler | None = None
    stage = "the HTTP application"
    try:
        try:
            app = build_app(runtime)
            for adapter in enabled(settings):
                stage = f"the {adapter.name} adapter"
                attached.append(await adapter.attach(runtime, app))
            stage = "the background jobs"
            runtime.notifiers[:] = [n for a in attached for n in a.notifiers]
            jobs = [job for a in attached for job in a.jobs]
            jobs += [relay_job(runtime, consumer) for a in attached for consumer in a.consumers]
            jobs += [idempotency_keys_job(runtime)]
            reports = runtime.deps.reports
            if reports is not None and isinstance(reports.files, FolderFileStore):
                keep = timedelta(days=settings.cairn_files_keep_days)
                jobs.append(files_cleanup_job(reports.files, runtime.deps.clock, keep))
            stage = "the HTTP server"
            runner = web.AppRunner(app, handle_signals=False, access_log=None)
            await runner.setup()
            port = await _listen(runner, settings.host, settings.port)
            logger.info("Cairn is listening on http://%s:%s (public URL %s)", settings.host,
                        port, settings.public_url)
            stage = "the scheduler"
            scheduler = start_scheduler(jobs)
        except Exception as error:
            raise startup_failed(stage, error) from error
        # Everything built so far lives as long as the process: keep it out of the collector's
        # full passes, which would otherwise stall the event loop for tens of milliseconds.
        gc.collect()
        gc.freeze()
        if ready is not None:
            ready(port)
        await stop.wait()
        logger.info("shutting down")
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        await _stop(runtime, runner, scheduler, attached)
    logger.info("stopped cleanly")


async def _listen(runner: web.AppRunner, host: str, port: int) -> int:
    site = web.TCPSite(runner, host, port, shutdown_timeout=10)
    try:
        await site.start()
    except OSError as error:  # the port is taken, or the host is not this machine's
        raise StartupFailed(f"cannot listen on {host}:{port}: {error.strerror or error}"
                            ) from None
    return runner.addresses[0][1] if runner.addresses else port


async def _stop(runtime: Runtime, runner: web.AppRunner | None, scheduler: Scheduler | None,
                attached: list[Attached]) -> None:
    """Requests and jobs drain side by side; the adapters stop after both, the database last.
    Also what a failed start-up does: only what had started is stopped."""
    draining = [runner.cleanup()] if runner is not None else []
    draining += [scheduler.stop()] if scheduler is not None else []
    for result in await asyncio.gather(*draining, return_exceptions=True):
        if isinstance(result, BaseException):
            logger.error("stopping the server or its jobs failed", exc_info=result)
    await stop_each([*((f"an adapter ({hook.__qualname__})", hook)
                       for a in attached for hook in a.on_stop),
                     ("the runtime", runtime.close)])
