"""Where verified content lives: one interface, two stores, chosen from ``COLORROUTE_BLOB_STORE`` in
``create_app`` and passed explicitly to the tus endpoint, the downloads and the services.

- ``local`` (the default): today's content-addressed tree under ``data_dir/blobs`` (:mod:`blobstore`).
- ``s3://bucket/prefix``: objects in S3-compatible storage (:mod:`s3store`), tus uploads as multipart uploads
  whose state lives in the upload's row, so any replica continues any upload and serves any download.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Protocol

from app.config import Settings
from app.transfers.blobstore import BlobStore


@dataclass(frozen=True)
class PartialRef:
    """An upload in flight, as much as a store needs to finish or drop it."""

    upload_id: str
    sha256: str  # the file's reported hash: where the content lands once verified
    store_upload_id: str | None = None  # the S3 multipart UploadId
    parts: tuple[tuple[int, str], ...] = ()  # (part number, ETag), ascending


class BlobStorage(Protocol):
    async def start(self) -> None:
        """Check the store is usable (credentials, bucket) and say clearly why not."""

    async def close(self) -> None: ...

    async def commit(self, partial: PartialRef) -> None:
        """Verified bytes become the content ``partial.sha256``; already stored content stays, stored once.
        The caller holds the blob's lock."""

    async def discard(self, partial: PartialRef) -> None:
        """Drop an unfinished upload's bytes."""

    async def delete(self, sha256: str) -> bool:
        """Delete stored content (retention); whether there was any."""

    async def exists(self, sha256: str) -> bool: ...

    async def sweep_orphans(self, live: set[str], older_than: timedelta) -> int:
        """Abort store-side uploads no row knows (``live`` store upload ids) and older than ``older_than``."""


class LocalStorage:
    """The content-addressed tree on this host's disk (:class:`BlobStore`), blocking I/O in threads."""

    def __init__(self, root: Path) -> None:
        self.disk = BlobStore(root)

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def commit(self, partial: PartialRef) -> None:
        await asyncio.to_thread(self.disk.commit, partial.upload_id, partial.sha256)

    async def discard(self, partial: PartialRef) -> None:
        await asyncio.to_thread(self.disk.discard_partial, partial.upload_id)

    async def delete(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.disk.delete_blob, sha256)

    async def exists(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.disk.exists, sha256)

    async def sweep_orphans(self, live: set[str], older_than: timedelta) -> int:
        return 0  # partial files go with their rows (retention) and discarded ones at start


def storage_from_settings(settings: Settings) -> BlobStorage:
    if settings.blob_store == "local":
        return LocalStorage(settings.blob_dir)
    from app.transfers.s3store import S3Storage

    return S3Storage.from_settings(settings)
