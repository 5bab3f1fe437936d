"""One Settings object, validated at start and passed into ``create_app``."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.domain.files import DEFAULT_VIDEO_EXTENSIONS

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "development", "daemon-key"}
DEV_SESSION_COOKIE = "colorroute_session"
PRODUCTION_SESSION_COOKIE = "__Host-colorroute_session"


def _half_the_cpus() -> int:
    return max(1, (os.cpu_count() or 2) // 2)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="COLORROUTE_", extra="ignore", populate_by_name=True)

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = Field(default=5000, ge=1, le=65535)
    #: uvicorn worker processes; each is a full replica (own event listener) sharing the database.
    workers: int = Field(default=1, ge=1, le=64)
    data_dir: Path = Path("./var")
    #: Any PostgreSQL >= 14. Empty: an embedded server under ``data_dir/pgdata``.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "COLORROUTE_DATABASE_URL")
    )
    db_pool_size: int = Field(default=10, ge=1, le=200)
    #: How long a request queues for a database connection (all ``2 * db_pool_size`` busy) before it is answered
    #: SERVICE_UNAVAILABLE (retryable).
    db_pool_timeout_seconds: float = Field(default=30.0, gt=0)
    #: The seed's global daemon key; accepted for any site, with a warning recommending per-site keys.
    daemon_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("DAEMON_API_KEY", "COLORROUTE_DAEMON_API_KEY")
    )
    site_offline_after_seconds: float = Field(default=90.0, gt=0)
    #: A RUNNING hub transfer is failed (file back to QUEUED) once its bytes have not moved for this long: its
    #: agent died, hangs or never claimed it. Its site's heartbeat does not keep it alive.
    transfer_stall_seconds: float = Field(default=300.0, gt=0)
    #: A RUNNING transfer whose bytes have not moved for this long is shown as stalled (``TransferJob.stalled``).
    transfer_stall_warn_seconds: float = Field(default=60.0, gt=0)
    allowed_extensions: Annotated[tuple[str, ...], NoDecode] = DEFAULT_VIDEO_EXTENSIONS
    frontend_dist: Path = Path(__file__).resolve().parent.parent / "frontend" / "dist"
    #: Browser origins allowed to use cookies over HTTP and to open WebSockets. Empty: same host only.
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()
    max_body_bytes: int = Field(default=1_000_000, ge=1024)
    max_query_depth: int = Field(default=10, ge=2)
    max_query_tokens: int = Field(default=4000, ge=100)
    max_aliases: int = Field(default=64, ge=1)
    session_ttl_hours: float = Field(default=24 * 7, gt=0)
    session_idle_hours: float = Field(default=24, gt=0)
    login_max_attempts: int = Field(default=10, ge=1)
    login_window_seconds: float = Field(default=300, gt=0)
    #: Password checks (bcrypt) run at once per process, in threads; more wait their turn. Half the CPUs by
    #: default, so a crowd of logins can never take every core from the requests being served.
    password_checks: int = Field(default_factory=_half_the_cpus, ge=1, le=64)
    #: How often a live subscription re-checks its session (it ends when the session has expired or was revoked).
    session_recheck_seconds: float = Field(default=30.0, gt=0)
    subscriber_queue_size: int = Field(default=1000, ge=10)
    event_poll_seconds: float = Field(default=10.0, gt=0)
    log_level: str = "INFO"
    #: MAM delivery: with a URL, ``deliverToMam`` POSTs a signed JSON description before the state changes.
    mam_url: str | None = None
    mam_secret: str | None = None
    mam_timeout_seconds: float = Field(default=10.0, gt=0)
    mam_retries: int = Field(default=3, ge=0, le=10)
    mam_backoff_seconds: float = Field(default=0.5, ge=0)
    #: Outgoing integrator webhooks: how often the dispatcher looks for new events (NOTIFY wakes it sooner).
    webhook_poll_seconds: float = Field(default=5.0, gt=0)
    #: bcrypt work factor; 12 is the production default, tests use the minimum.
    password_rounds: int = Field(default=12, ge=4, le=16)
    #: Delete stored blobs of ARCHIVED or REJECTED files this many days after their last change (and tus
    #: uploads left unfinished as long). None keeps everything.
    blob_retention_days: float | None = Field(default=None, gt=0)
    #: Largest estimated answer (objects a query may return: page sizes multiplied through nested lists)
    #: accepted before execution; above it, ``QUERY_TOO_COMPLEX``. The UI's and daemons' documents stay far under.
    max_query_cost: int = Field(default=20_000, ge=100)
    #: When set, ``/metrics`` answers only ``Authorization: Bearer <token>``.
    metrics_token: str | None = None
    #: Addresses or CIDRs of reverse proxies whose ``X-Forwarded-For``/``-Proto`` are believed. Empty: none.
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    #: Webhook targets allowed although not public (CIDRs, addresses or host names). Empty: public only.
    webhook_allow_private: Annotated[tuple[str, ...], NoDecode] = ()
    #: A connection must deliver a request's complete headers within this many seconds of opening (or of
    #: its previous response), and a request body may pause at most ``body_timeout_seconds``.
    header_timeout_seconds: float = Field(default=15.0, gt=0)
    body_timeout_seconds: float = Field(default=60.0, gt=0)
    #: Idle keep-alive connections close after this many seconds.
    keep_alive_seconds: int = Field(default=5, ge=1)
    #: Connections (HTTP and WebSocket) per process; requests beyond get 503.
    max_connections: int = Field(default=4096, ge=16)
    #: A tus PATCH that receives nothing for this long ends: the bytes that arrived are kept (the offset is
    #: recorded) and the upload's lock is released, so the client can resume.
    upload_idle_seconds: float = Field(default=60.0, gt=0)
    #: The most files one ``bulkFileAction`` may name or match; above it the call is refused, nothing applied.
    bulk_max_files: int = Field(default=10_000, ge=1, le=100_000)
    #: Where verified content and uploads in flight live: ``local`` (``data_dir/blobs``) or
    #: ``s3://bucket/prefix`` (endpoint and credentials from AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
    #: AWS_SECRET_ACCESS_KEY, AWS_REGION), which lets several orchestrator hosts share uploads and downloads.
    blob_store: str = "local"
    #: Each S3 request (connect, then each read) gives up after this long; the client gets a retryable 503.
    s3_timeout_seconds: float = Field(default=20.0, gt=0)
    #: How long a presigned download URL from ``/blobs/{fileId}`` stays valid.
    s3_presign_seconds: int = Field(default=300, ge=10, le=7 * 24 * 3600)
    #: Size of the S3 parts a tus upload is cut into (at least S3's 5 MiB minimum; grown for huge files so
    #: they stay under S3's 10,000 parts).
    s3_part_bytes: int = Field(default=16 * 1024 * 1024, ge=5 * 1024 * 1024, le=5 * 1024 * 1024 * 1024)
    #: Parts of one tus PATCH uploading to S3 at once (a store answers each after its own latency; one at a time
    #: leaves it idle in between). Memory per PATCH: up to this many times 16 MiB (fewer parts when parts are larger).
    s3_parts_in_flight: int = Field(default=4, ge=1, le=16)

    @field_validator("allowed_extensions", "allowed_origins", "trusted_proxies", "webhook_allow_private", mode="before")
    @classmethod
    def _split_csv(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return value

    @field_validator("allowed_extensions")
    @classmethod
    def _dotted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower() if v.startswith(".") else f".{v.lower()}" for v in value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR") from None
        return value

    @field_validator("webhook_allow_private")
    @classmethod
    def _lowercase(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower().strip("[]") for v in value)

    @field_validator("blob_store")
    @classmethod
    def _store_url(cls, value: str) -> str:
        value = value.strip()
        if value == "local":
            return value
        if value.startswith("s3://") and value[5:].split("/", 1)[0]:
            return value
        raise ValueError("COLORROUTE_BLOB_STORE must be 'local' or 's3://bucket[/prefix]'")

    @model_validator(mode="after")
    def _production_guards(self) -> Settings:
        if self.env == "production" and self.daemon_api_key is not None:
            if self.daemon_api_key.strip().lower() in _PLACEHOLDERS or len(self.daemon_api_key) < 24:
                raise ValueError("DAEMON_API_KEY is a placeholder or shorter than 24 characters in production")
        if self.env == "production" and self.mam_url and (not self.mam_secret or len(self.mam_secret) < 16):
            raise ValueError("COLORROUTE_MAM_SECRET must be set (16+ characters) when a MAM URL is configured")
        return self

    @property
    def pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def cookie_secure(self) -> bool:
        return self.env == "production"

    @property
    def session_cookie(self) -> str:
        """In production the browser keeps a ``__Host-`` cookie only if it is Secure, for Path=/ and without a
        Domain, so no sibling subdomain can plant or overwrite a session; plain HTTP in development cannot."""
        return PRODUCTION_SESSION_COOKIE if self.env == "production" else DEV_SESSION_COOKIE
