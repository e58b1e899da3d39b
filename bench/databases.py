"""The benches' databases: a PostgreSQL database named on the command line is created when it
does not exist yet, so `--database postgres://.../cairn_bench` works on a fresh server."""

from __future__ import annotations

import asyncpg

from storage import Database, open_database


async def open_bench_database(url: str, *, migrate: bool = True) -> Database:
    if url.startswith(("postgres://", "postgresql://")):
        await create_if_missing(url)
    return await open_database(url, migrate=migrate)


async def create_if_missing(url: str) -> None:
    base, _, name = url.rpartition("/")
    name = name.split("?")[0]
    try:
        admin = await asyncpg.connect(f"{base}/postgres", timeout=10)
    except (OSError, asyncpg.PostgresError):
        return  # open_database says what is wrong, in its own words
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            print(f"creating the database {name}", flush=True)
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
