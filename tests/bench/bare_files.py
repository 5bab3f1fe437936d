"""The baseline for the files-page benchmark: the same rows as ``files(first: 50)`` nested, served by bare
asyncpg + JSON with no GraphQL, no ORM, no auth. Run: ``uvicorn tests.bench.bare_files:app``."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

POOL: dict[str, asyncpg.Pool] = {}


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    POOL["p"] = await asyncpg.create_pool(os.environ["BARE_DATABASE_URL"], min_size=2, max_size=10)
    yield
    await POOL["p"].close()


async def files(request: Request) -> Response:
    pool = POOL["p"]
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT id, filename, state, size_bytes, site_id, colorist_id FROM files ORDER BY id DESC LIMIT 50"
        )
        ids = [r["id"] for r in rows]
        sites = {r["id"]: r["code"] for r in await conn.fetch("SELECT id, code FROM sites")}
        users = {
            r["id"]: r["username"]
            for r in await conn.fetch(
                "SELECT id, username FROM users WHERE id = ANY($1::int[])", [r["colorist_id"] for r in rows]
            )
        }
        transfers: dict[int, list[dict[str, Any]]] = {}
        for t in await conn.fetch(
            "SELECT file_id, status, bytes_transferred FROM transfer_jobs WHERE file_id = ANY($1::bigint[]) "
            "ORDER BY id",
            ids,
        ):
            transfers.setdefault(t["file_id"], []).append(
                {"status": t["status"], "bytesTransferred": t["bytes_transferred"]}
            )
    edges = [
        {
            "node": {
                "id": str(r["id"]),
                "filename": r["filename"],
                "state": r["state"],
                "sizeBytes": r["size_bytes"],
                "site": {"code": sites[r["site_id"]]},
                "colorist": {"username": users[r["colorist_id"]]} if r["colorist_id"] in users else None,
                "transfers": transfers.get(r["id"], []),
            }
        }
        for r in rows
    ]
    body = json.dumps({"data": {"files": {"edges": edges}}})
    return Response(body, media_type="application/json")


app = Starlette(routes=[Route("/files", files)], lifespan=lifespan)
