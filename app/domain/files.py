"""Pure checks on what daemons report and on what validation accepts."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from app.domain.errors import BadInput

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
#: 16 TiB: larger than any single camera file in practice; a bigger number is a client bug.
MAX_FILE_SIZE = 16 * 1024**4
MAX_PATH_LENGTH = 4096
DEFAULT_VIDEO_EXTENSIONS = (
    ".mov",
    ".mxf",
    ".mp4",
    ".r3d",
    ".braw",
    ".ari",
    ".dng",
    ".exr",
    ".dpx",
    ".avi",
    ".mkv",
)


def normalize_sha256(value: str) -> str:
    digest = value.strip().lower()
    if not SHA256_RE.fullmatch(digest):
        raise BadInput("sha256 must be 64 hexadecimal characters", field="sha256")
    return digest


def normalize_path(value: str) -> str:
    """A relative POSIX path inside the watch folder; rejects anything that could escape it."""
    path = value.replace("\\", "/").strip()
    if not path or path in (".", "/"):
        raise BadInput("path must not be empty", field="path")
    if len(path) > MAX_PATH_LENGTH:
        raise BadInput(f"path longer than {MAX_PATH_LENGTH} characters", field="path")
    if "\x00" in path or any(ord(c) < 32 for c in path):
        raise BadInput("path contains control characters", field="path")
    parts = path.split("/")
    if ".." in parts:
        raise BadInput("path must not contain '..'", field="path")
    path = posixpath.normpath(path).lstrip("/")
    if not path or path == ".":
        raise BadInput("path must not be empty", field="path")
    return path


def normalize_delivered_path(value: str | None) -> str | None:
    """Where a destination agent says it placed a file on its own storage: shown to people as is (an absolute
    path on that site's disk, not inside any folder of ours), so only emptiness, length and control characters
    are refused."""
    if value is None:
        return None
    path = value.strip()
    if not path:
        raise BadInput("deliveredPath must not be empty (omit it instead)", field="deliveredPath")
    if len(path) > MAX_PATH_LENGTH:
        raise BadInput(f"deliveredPath longer than {MAX_PATH_LENGTH} characters", field="deliveredPath")
    if any(ord(c) < 32 or ord(c) == 127 for c in path):
        raise BadInput("deliveredPath contains control characters", field="deliveredPath")
    return path


def check_size(size: int) -> int:
    if size < 0:
        raise BadInput("sizeBytes must not be negative", field="sizeBytes")
    if size > MAX_FILE_SIZE:
        raise BadInput(f"sizeBytes larger than {MAX_FILE_SIZE} bytes", field="sizeBytes")
    return size


@dataclass(frozen=True)
class ValidationFailure:
    code: str  # machine-readable reason, stored in the audit details
    message: str


def validation_failures(
    *,
    filename: str,
    size_bytes: int,
    sha256: str,
    allowed_extensions: tuple[str, ...],
    duplicate_of: int | None,
) -> list[ValidationFailure]:
    """Everything wrong with a reported file; an empty list means it may be validated."""
    failures: list[ValidationFailure] = []
    if size_bytes <= 0:
        failures.append(ValidationFailure("EMPTY_FILE", "file is empty"))
    if not SHA256_RE.fullmatch(sha256):
        failures.append(ValidationFailure("BAD_HASH", "sha256 is not 64 hex characters"))
    ext = posixpath.splitext(filename)[1].lower()
    if ext not in {e.lower() for e in allowed_extensions}:
        failures.append(
            ValidationFailure("UNSUPPORTED_EXTENSION", f"extension {ext or '(none)'} is not an allowed video type")
        )
    if duplicate_of is not None:
        failures.append(
            ValidationFailure("DUPLICATE_CONTENT", f"same content already tracked at this site as file {duplicate_of}")
        )
    return failures
