"""Moving bytes: the tus upload endpoint, the content-addressed blob store and ranged downloads."""

from __future__ import annotations

from starlette.routing import Mount, Route

from app.config import Settings
from app.db.engine import SessionFactory
from app.transfers.blobstore import BlobStore
from app.transfers.downloads import BlobDownloads
from app.transfers.tus import TusApp


def transfer_routes(settings: Settings, db: SessionFactory) -> list[Route | Mount]:
    """``/uploads/`` (tus) and ``/blobs/{file_id}``; mount them before the UI's catch-all route."""
    blobs = BlobStore(settings.blob_dir)
    return [
        Mount("/uploads", app=TusApp(settings, db, blobs), name="uploads"),
        Route("/blobs/{file_id}", BlobDownloads(settings, db, blobs).endpoint, methods=["GET", "HEAD"], name="blobs"),
    ]
