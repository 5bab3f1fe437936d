"""The agent's downloader follows the hub's redirect to an object store (presigned URL): the query string goes
along, the API key does not, and resume (Range) still holds. Real HTTP servers on loopback stand in for the hub
and the store."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from daemon.downloader import BlobDownloader
from tests.support import on_loopback

DATA = os.urandom(3 * 1024 * 1024 + 11)


async def test_a_redirect_is_followed_with_range_and_query_but_without_the_api_key(tmp_path: Path) -> None:
    seen: list[dict[str, str]] = []

    async def store(request: Request) -> Response:
        seen.append({**request.headers, "query": request.url.query})
        if request.query_params.get("X-Amz-Signature") != "sig":
            return Response("SignatureDoesNotMatch", status_code=403)
        first = int(request.headers["range"].removeprefix("bytes=").rstrip("-"))
        headers = {"content-range": f"bytes {first}-{len(DATA) - 1}/{len(DATA)}"}
        return Response(DATA[first:], status_code=206, headers=headers)

    async with on_loopback(Starlette(routes=[Route("/bucket/object", store)])) as store_url:

        async def hub(request: Request) -> Response:
            assert request.headers["x-api-key"] == "site-key"
            return RedirectResponse(f"{store_url}/bucket/object?X-Amz-Signature=sig", status_code=307)

        async with on_loopback(Starlette(routes=[Route("/blobs/{file_id}", hub)])) as hub_url:
            partial = tmp_path / "clip.part"
            partial.write_bytes(DATA[:1000])
            sha = hashlib.sha256(DATA).hexdigest()
            fetched = await BlobDownloader(hub_url, "site-key").fetch("7", partial, len(DATA), sha)

    assert fetched.sha256 == sha and fetched.resumed_from == 1000
    assert partial.read_bytes() == DATA
    (request,) = seen
    assert request["range"] == "bytes=1000-" and request["query"] == "X-Amz-Signature=sig"
    assert "x-api-key" not in request and "if-range" not in request
