"""SQLAlchemy 2 models. The schema itself changes only through Alembic migrations."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSONB}


def _now() -> Any:
    return func.now()


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    online: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    daemon_version: Mapped[str | None] = mapped_column(String(64))
    watch_path: Mapped[str | None] = mapped_column(Text)
    queue_depth: Mapped[int | None] = mapped_column(Integer)
    disk_free_bytes: Mapped[int | None] = mapped_column(BigInteger)
    #: Its daemon runs ``--metadata-only`` (told by heartbeat): its files' bytes reach the destination outside
    #: the hub, so their transfer jobs are EXTERNAL (migration 0005).
    metadata_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(128))
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(16))  # a Role value
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="true")
    #: When the colorist last received a file: "longest idle" breaks workload ties.
    last_assigned_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class Session(Base):
    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    client_addr: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(256))


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    created_by: Mapped[str] = mapped_column(String(100))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class File(Base):
    __tablename__ = "files"
    __table_args__ = (
        UniqueConstraint("site_id", "path", "sha256", name="uq_files_site_path_sha256"),
        CheckConstraint("size_bytes >= 0", name="ck_files_size_nonnegative"),
        # Lists are newest-first by id (stable cursors); each filter has an index ending in id.
        Index("ix_files_state_id", "state", "id"),
        Index("ix_files_site_id_id", "site_id", "id"),
        Index("ix_files_colorist_id_id", "colorist_id", "id"),
        Index("ix_files_updated_at", "updated_at"),
        Index("ix_files_site_sha256", "site_id", "sha256"),
        Index("ix_files_media_codec_id", "media_codec", "id"),
        Index("ix_files_media_width_id", "media_width", "id"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    path: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(24))  # a FileState value
    version: Mapped[int] = mapped_column(Integer, default=1)
    destination_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    colorist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    mam_asset_id: Mapped[str | None] = mapped_column(String(200))
    report_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    #: The earlier version of this path (a new hash at the same path is a new version, not an overwrite).
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"))
    modified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    content_available: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    #: The rule that routed this file (its later automatic steps, e.g. assignment, follow the same rule).
    routing_rule_id: Mapped[int | None] = mapped_column(ForeignKey("routing_rules.id", ondelete="SET NULL"))
    #: The last MAM delivery error, cleared when a delivery succeeds.
    mam_error: Mapped[str | None] = mapped_column(Text)
    #: What the site daemon probed (``MediaInfo`` as JSON; None: not yet). Codec and size are also columns for
    #: the list filters and routing (migration 0007).
    media: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    media_codec: Mapped[str | None] = mapped_column(String(64))
    media_width: Mapped[int | None] = mapped_column(Integer)
    media_height: Mapped[int | None] = mapped_column(Integer)
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    # -- packages (a frame sequence or clip folder reported as one file; see app/domain/packages.py) --
    kind: Mapped[str] = mapped_column(String(16), default="FILE", server_default="FILE")
    member_count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    frame_range: Mapped[str | None] = mapped_column(Text)
    missing_frames: Mapped[str | None] = mapped_column(Text)
    #: A single file's own hash in an ASC MHL format (xxh64, ...), taken at the source beside its SHA-256, so it
    #: can be exported as an ASC MHL manifest; a package's are its members' (``file_members``).
    mhl_format: Mapped[str | None] = mapped_column(String(16))
    mhl_hash: Mapped[str | None] = mapped_column(String(128))
    # -- chain of custody (docs/custody.md) --
    #: Custody records, oldest first: ``{at, action, hashFormat, siteId, host, tool, location, generation}``.
    custody: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, default=list, server_default="[]")
    integrity_error: Mapped[str | None] = mapped_column(Text)
    integrity_accepted_reason: Mapped[str | None] = mapped_column(Text)


class FileMember(Base):
    """One file inside a package, its path relative to the package root."""

    __tablename__ = "file_members"
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    mhl_format: Mapped[str | None] = mapped_column(String(16))  # the card's own hash of it (ASC MHL), if any
    mhl_hash: Mapped[str | None] = mapped_column(String(128))


class StagedMember(Base):
    """A member sent ahead of its package's ``reportFile`` (in batches, under the body limit)."""

    __tablename__ = "staged_file_members"
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    path: Mapped[str] = mapped_column(Text, primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    mhl_format: Mapped[str | None] = mapped_column(String(16))
    mhl_hash: Mapped[str | None] = mapped_column(String(128))
    staged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class TransferJob(Base):
    __tablename__ = "transfer_jobs"
    __table_args__ = (
        Index("ix_transfer_jobs_file", "file_id"),
        Index("ix_transfer_jobs_status_created", "status", "created_at"),
        Index("ix_transfer_jobs_destination_status", "destination_site_id", "status"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id"))
    source_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    destination_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    transport: Mapped[str] = mapped_column(String(16), default="HUB", server_default="HUB")
    status: Mapped[str] = mapped_column(String(16))
    bytes_total: Mapped[int] = mapped_column(BigInteger)
    bytes_transferred: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    rate_bytes_per_second: Mapped[float | None] = mapped_column(Float)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    #: When its bytes last moved (the start, or a report that advanced them): what the lease follows.
    last_progress_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: When the sweep announced that this job stalled (a ``transfer`` event), so it is announced once per stall.
    stall_reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Where the destination's agent placed the verified bytes on its site's storage (``completeTransfer``).
    delivered_path: Mapped[str | None] = mapped_column(Text)


class AuditLog(Base):
    __tablename__ = "audit_logs"
    __table_args__ = (Index("ix_audit_logs_file_id", "file_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id"))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    client_addr: Mapped[str | None] = mapped_column(String(64))


class Event(Base):
    """The durable outbox behind every subscription: NOTIFY carries only the id."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    topic: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class FileStateCount(Base):
    """Signed per-state deltas written by triggers on ``files`` (migration 0004); their sum is files by state."""

    __tablename__ = "file_state_counts"
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    state: Mapped[str] = mapped_column(String(24))
    n: Mapped[int] = mapped_column(BigInteger)


class RoutingRule(Base):
    """First enabled match by ascending priority decides where a new file goes and what happens on its own."""

    __tablename__ = "routing_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    priority: Mapped[int] = mapped_column(Integer, default=100)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    source_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    pattern: Mapped[str] = mapped_column(String(300), default="*")
    min_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    max_size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    #: Media conditions (migration 0007): evaluated once the file's media info has arrived.
    codecs: Mapped[list[str] | None] = mapped_column(ARRAY(String(64)))
    min_width: Mapped[int | None] = mapped_column(Integer)
    min_height: Mapped[int | None] = mapped_column(Integer)
    destination_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    auto_validate: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_queue: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_assign: Mapped[str] = mapped_column(String(16), default="NONE")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class WebhookSubscription(Base):
    """An integrator's endpoint for chosen event topics; ``last_event_id`` is its delivery cursor."""

    __tablename__ = "webhook_subscriptions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class WebhookDelivery(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_subscription", "subscription_id", "id"),)
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(BigInteger)
    topic: Mapped[str] = mapped_column(String(40))
    status_code: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())


class Upload(Base):
    """A tus upload bound to a reported file. The offset is durable (it only advances after the partial bytes
    are fsynced), so an upload resumes after an orchestrator restart; the bytes live in
    ``blobs/partial/<id>`` until they verify and move into the content-addressed store."""

    __tablename__ = "uploads"
    __table_args__ = (
        Index("ix_uploads_file_id", "file_id"),
        Index("ix_uploads_updated_at", "updated_at"),
        CheckConstraint('"offset" >= 0 AND "offset" <= length', name="ck_uploads_offset_in_range"),
    )
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a uuid4, also the URL
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    length: Mapped[int] = mapped_column(BigInteger)
    offset: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=_now())
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # With an S3 blob store (migration 0008): the multipart upload and what of it the store acknowledged.
    store_upload_id: Mapped[str | None] = mapped_column(Text)
    parts: Mapped[list[Any]] = mapped_column(JSONB, default=list, server_default=text("'[]'::jsonb"))
    tail: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256_state: Mapped[bytes | None] = mapped_column(LargeBinary)
    next_part: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
