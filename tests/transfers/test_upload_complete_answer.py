"""A PATCH to an upload that is already complete: the server says so with a machine ``reason``, and the
daemon's tus client takes it as done without reading the message meant for people."""

from __future__ import annotations

import os
from pathlib import Path

import httpx

from daemon.uploader import TusClient
from tests.conftest import Server
from tests.transfers.conftest import TUS, patch, reported

MIB = 1024 * 1024


async def test_a_patch_after_completion_is_answered_with_a_code_and_the_daemon_takes_it_as_done(
    server: Server, keys: dict[str, str], tmp_path: Path
) -> None:
    size = MIB + 3
    content = await reported(server, keys["tustin"], tmp_path, size, data=os.urandom(size))
    async with httpx.AsyncClient(headers={"X-API-Key": keys["tustin"]}, timeout=60) as http:
        tus = TusClient(http, server.url, chunk_size=MIB)
        url = await tus.create(content.file_id, size, content.path.name)
        assert url is not None
        assert (await tus.send(url, content.path, 0, size)).offset == size

        # What a daemon that lost the last PATCH's answer (and its recorded offset) does: send again from 0.
        raw = await patch(http, url, 0, content.data[:100])
        assert raw.status_code == 409
        assert raw.json()["reason"] == "UPLOAD_COMPLETE"
        assert raw.json()["offset"] == size

        again = await tus.send(url, content.path, 0, size)
        assert again.offset == size
        head = await http.head(url, headers=TUS)
        assert head.headers["Upload-Offset"] == str(size)
