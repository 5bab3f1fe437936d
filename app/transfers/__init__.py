"""Moving bytes: the tus upload endpoint, the content-addressed blob store and ranged downloads."""

from __future__ import annotations

from starlette.routing import Mount, Route

from app.config import Settings
from app.db.engine import SessionFactory
from app.transfers.downloads import BlobDownloads
from app.transfers.stores import BlobStorage, LocalStorage
from app.transfers.tus import TusApp


def transfer_routes(settings: Settings, db: SessionFactory, storage: BlobStorage) -> list[Route | Mount]:
    """``/uploads/`` (tus) and ``/blobs/{file_id}``; mount them before the UI's catch-all route."""
    tus: TusApp
    if isinstance(storage, LocalStorage):
        tus = TusApp(settings, db, storage)
    else:
        from app.transfers.s3tus import S3TusApp

        tus = S3TusApp(settings, db, storage)
    downloads = BlobDownloads(settings, db, storage)
    return [
        Mount("/uploads", app=tus, name="uploads"),
        Route("/blobs/{file_id}", downloads.endpoint, methods=["GET", "HEAD"], name="blobs"),
        Route("/blobs/{file_id}/manifest", downloads.manifest, methods=["GET"], name="blob-manifests"),
    ]
