"""``/blobs/{fileId}`` with an S3 store: a redirect to a short-lived presigned GET, so no download byte passes
through the orchestrator; the store honours ``Range`` on it. ``HEAD`` is answered here (a presigned GET does not
sign HEAD). Content the store no longer holds (deleted behind our back) is said so: the file's content is marked
unavailable, with an audit entry saying why.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.db.engine import SessionFactory
from app.domain.errors import DomainError
from app.services import uploads
from app.transfers.http import domain_error_response, error_response
from app.transfers.s3store import S3Storage


async def redirect_to_store(
    request: Request, db: SessionFactory, storage: S3Storage, blob: uploads.BlobRef
) -> Response:
    try:
        size = await storage.size(blob.key)
    except DomainError as exc:  # the store does not answer: 503, retry later
        return domain_error_response(exc)
    if size is None:
        await uploads.content_missing(db, blob.file_id, blob.sha256, where=storage.describe())
        return error_response(
            404,
            "CONTENT_MISSING",
            f"file {blob.file_id}: its content is missing from the object store (deleted outside the orchestrator); "
            "the file's content is now marked unavailable: upload it again",
            extra={"fileId": str(blob.file_id), "sha256": blob.sha256},
        )
    headers = {
        "accept-ranges": "bytes",
        "etag": f'"{blob.sha256}"',
        "cache-control": "no-store",
    }
    if request.method == "HEAD":
        headers["content-length"] = str(size)
        headers["content-type"] = "application/octet-stream"
        headers["content-disposition"] = f"attachment; filename*=UTF-8''{quote(blob.filename)}"
        return Response(status_code=200, headers=headers)
    return RedirectResponse(await storage.presigned_get(blob.key), status_code=307, headers=headers)
