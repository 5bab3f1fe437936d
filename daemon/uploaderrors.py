"""How an upload can fail, sorted by what the uploader does next: wait for the link (:class:`UploadLinkError`),
retry the file later (:class:`UploadServerError`), give up on it (:class:`UploadRefusedError`), start a new
upload (:class:`UploadGoneError`) or treat the file as a new version (:class:`FileChangedError`). Its own module
because both the tus requests (``daemon.tusclient``) and the PATCH thread (``daemon.tuspatch``) raise them.
"""

from __future__ import annotations


class UploadLinkError(Exception):
    """No answer from the orchestrator (refused, reset, timed out): try again once the link is back."""


class UploadServerError(Exception):
    """The orchestrator answered but could not take the bytes now (5xx, 423 locked, 429): retry this file later."""


class UploadRefusedError(Exception):
    """An answer a resend cannot change (unknown file, another site's file, wrong length, bad key, ...)."""

    def __init__(self, status: int, code: str, message: str, reason: str | None = None) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.reason = reason


class ContentMismatchError(UploadRefusedError):
    """The bytes sent do not hash to the reported SHA-256; the orchestrator discarded the upload."""


class UploadGoneError(Exception):
    """The upload URL is unknown to the orchestrator (terminated, expired, refused): create a new one."""


class FileChangedError(Exception):
    """The file on disk is no longer the one reported (size or mtime moved)."""
