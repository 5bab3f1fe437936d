"""The unmodified tus-js-client (Node) uploads to /uploads/, aborting after its first chunk and resuming from
the server's offset with a fresh Upload object, as a restarted browser or Node client would.

Needs ``node`` and ``tests/transfers/js/node_modules`` (``npm ci`` there, from the committed lockfile); the
test runs ``npm ci`` itself when the modules are missing and the registry is reachable, else it skips and
says why."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from app.config import Settings
from app.db.engine import SessionFactory
from tests.conftest import Server
from tests.transfers.conftest import reported
from tests.transfers.test_tus_upload import assert_stored

JS = Path(__file__).resolve().parent / "js"


def _tus_js_ready() -> str | None:
    """None when usable, else the reason to skip."""
    if shutil.which("node") is None:
        return "node is not installed"
    if (JS / "node_modules" / "tus-js-client").is_dir():
        return None
    if shutil.which("npm") is None:
        return "npm is not installed (needed for tests/transfers/js: npm ci)"
    result = subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund"], cwd=JS, capture_output=True, text=True, timeout=300
    )
    if result.returncode != 0:
        return f"npm ci in tests/transfers/js failed: {result.stderr.strip()[-300:]}"
    return None


async def test_tus_js_client_uploads_and_resumes(
    server: Server, db: SessionFactory, settings: Settings, keys: dict[str, str], tmp_path: Path
) -> None:
    reason = await asyncio.to_thread(_tus_js_ready)
    if reason is not None:
        pytest.skip(reason)
    size = 3 * 1024 * 1024 + 7
    chunk = 1024 * 1024
    content = await reported(server, keys["tustin"], tmp_path, size)
    proc = await asyncio.create_subprocess_exec(
        "node",
        str(JS / "tus_js_upload.mjs"),
        f"{server.url}/uploads/",
        keys["tustin"],
        str(content.path),
        content.file_id,
        str(chunk),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 0, err.decode()
    result = json.loads(out.decode().strip().splitlines()[-1])
    assert result["url"] == result["firstUrl"]  # the same upload, resumed
    assert result["url"].startswith(f"{server.url}/uploads/")
    assert result["resumedFrom"] >= chunk  # continued from the server's offset, not from zero
    await assert_stored(settings, db, content)
