"""The daemon's only link to the orchestrator: one reconnecting gql session over graphql-transport-ws.

``reportFile`` and ``heartbeat`` share the session. The WebSocket protocol is named explicitly (gql would
otherwise offer the legacy ``graphql-ws`` too) and the API key travels in the ``connection_init`` payload
(and as ``X-API-Key`` on the upgrade request). gql's reconnecting session keeps the socket alive; we give it
our own connect-retry policy (capped, jittered, logs once per outage, spots a rejected key) and turn off its
execute retries so the outbox, which knows what is durable, decides what to resend.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from gql import Client, GraphQLRequest
from gql.client import ReconnectingAsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from websockets.exceptions import ConnectionClosed, InvalidStatus

from daemon.backoff import Backoff
from daemon.logs import event

REPORT_FILE = GraphQLRequest(
    "mutation ReportFile($input: ReportFileInput!) { reportFile(input: $input) { id state sha256 } }"
)
STAGE_MEMBERS = GraphQLRequest(
    "mutation StagePackageMembers($input: StagePackageMembersInput!) { stagePackageMembers(input: $input) }"
)
#: Members per ``stagePackageMembers``: ~150 bytes each, far below the orchestrator's body and message limits.
STAGE_BATCH = 500
#: The destination agent's custody records once it wrote its ASC MHL generation (daemon/custody.py
#: ``write_destination_generation``; variables from ``custody.record_custody_input``).
RECORD_CUSTODY = GraphQLRequest(
    "mutation RecordCustody($input: RecordCustodyInput!) { recordCustody(input: $input) { id } }"
)
HEARTBEAT = GraphQLRequest(
    "mutation Heartbeat($input: HeartbeatInput!) { heartbeat(input: $input) { id code online } }"
)

# Retrying cannot fix these: the report is recorded as failed and shown, not resent forever.
PERMANENT_CODES = frozenset(
    {
        "BAD_USER_INPUT", "FORBIDDEN", "NOT_FOUND", "INVALID_TRANSITION", "CONFLICT",
        "PACKAGE_MEMBER_PATH", "PACKAGE_CASE_COLLISION", "PACKAGE_EMPTY", "PACKAGE_MANIFEST_MISMATCH",
    }
)  # fmt: skip
# WebSocket close codes a graphql-transport-ws server uses to refuse connection_init.
_AUTH_CLOSE_CODES = frozenset({4401, 4403})


class AuthRejectedError(Exception):
    """The orchestrator refused the API key: nothing will work until an operator fixes it (exit code 3)."""


class ReportRejectedError(Exception):
    """A GraphQL error that a resend cannot fix (bad input, forbidden site, ...)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class OrchestratorUnavailableError(Exception):
    """Try again later. ``link`` is True when the connection itself is down (all sends wait together)."""

    def __init__(self, message: str, *, link: bool, code: str | None = None) -> None:
        super().__init__(message)
        self.link = link
        self.code = code  # the GraphQL error code, when the orchestrator answered with one


@dataclass(frozen=True)
class ReportedFile:
    id: str
    state: str
    sha256: str


@dataclass(frozen=True)
class FileReport:
    site: str
    path: str
    size_bytes: int
    sha256: str
    modified_at: str
    report_id: str
    package: PackageReport | None = None
    #: A single file's ASC MHL hash (xxh64), so the orchestrator can export it as a manifest; None with --no-mhl
    hash_format: str | None = None
    hash: str | None = None

    def as_input(self) -> dict[str, Any]:
        """The ``ReportFileInput`` object (``path`` relative to the watch folder, POSIX separators). The ASC MHL
        hash is sent only when there is one, so a ``--no-mhl`` daemon sends the input an older orchestrator knows."""
        given: dict[str, Any] = {
            "site": self.site,
            "path": self.path,
            "sizeBytes": self.size_bytes,
            "sha256": self.sha256,
            "modifiedAt": self.modified_at,
            "reportId": self.report_id,
        }
        if self.hash_format is not None and self.hash is not None:
            given["hashFormat"], given["hash"] = self.hash_format, self.hash
        if self.package is not None:
            p = self.package
            given["package"] = {
                "kind": p.kind,
                "memberCount": len(p.members),
                "filename": p.filename,
                "frameRange": p.frame_range,
                "missingFrames": p.missing_frames,
            }
            if p.custody is not None:  # a card with (or given) an ASC MHL history: daemon/custody.py
                given["package"]["custody"] = p.custody.get("records", [])
                given["package"]["integrityError"] = p.custody.get("integrityError")
        return given


#: ``(path inside the package, size, sha256, ASC MHL format, hash)``: the last two None when it was hashed without
PackageMember = tuple[str, int, str, str | None, str | None]


@dataclass(frozen=True)
class PackageReport:
    """What makes a report a package; ``members`` are :data:`PackageMember` (``daemon/outbox.py`` ``members()``)."""

    kind: str
    filename: str
    members: Sequence[PackageMember]
    frame_range: str | None = None
    missing_frames: str | None = None
    custody: dict[str, Any] | None = None  # {"records": [...], "integrityError": str | None}


def _member(member: PackageMember, card: list[str] | None) -> dict[str, Any]:
    """A staged member, with its ASC MHL hash for the package's manifest export: the card history's when it has
    one (daemon/cards.py: a card is verified in its own formats), else the xxh64 read with its SHA-256 (a
    sequence's frame, a clip folder's file), else none (hashed with ``--no-mhl``; a card's own ``ascmhl/`` files)."""
    path, size, sha256, own_format, own_hash = member
    given: dict[str, Any] = {"path": path, "sizeBytes": size, "sha256": sha256}
    if card is not None:
        given["hashFormat"], given["hash"] = card[0], card[1]
    elif own_format is not None and own_hash is not None:
        given["hashFormat"], given["hash"] = own_format, own_hash
    return given


ReportOutcome = ReportedFile | ReportRejectedError | OrchestratorUnavailableError


@functools.lru_cache(maxsize=64)
def _report_batch(n: int) -> GraphQLRequest:
    params = ", ".join(f"$i{k}: ReportFileInput!" for k in range(n))
    fields = " ".join(f"r{k}: reportFile(input: $i{k}) {{ id state sha256 }}" for k in range(n))
    return GraphQLRequest(f"mutation ReportFiles({params}) {{ {fields} }}")


def _error_code(error: Any) -> str:
    if isinstance(error, dict):
        ext = error.get("extensions")
        if isinstance(ext, dict) and isinstance(ext.get("code"), str):
            return str(ext["code"])
    return "INTERNAL_SERVER_ERROR"


def _error_message(error: Any) -> str:
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return str(error["message"])
    return str(error)


def auth_rejection(exc: BaseException) -> str | None:
    """Describe a 401/403 on the upgrade or a 4401/4403 close during connection_init; ``None`` otherwise."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, InvalidStatus) and seen.response.status_code in (401, 403):
            return f"HTTP {seen.response.status_code} on the WebSocket upgrade"
        if isinstance(seen, ConnectionClosed) and seen.rcvd is not None and seen.rcvd.code in _AUTH_CLOSE_CODES:
            return f"connection closed with {seen.rcvd.code} {seen.rcvd.reason!r} at connection_init"
        seen = seen.__cause__ or seen.__context__
    return None


class OrchestratorClient:
    """Connects in the background: the daemon keeps detecting and hashing while the orchestrator is away."""

    def __init__(
        self,
        ws_url: str,
        api_key: str,
        *,
        execute_timeout: float = 30.0,
        connect_timeout: float = 10.0,
        reconnect: Backoff | None = None,
    ) -> None:
        self.url = ws_url
        self._transport = WebsocketsTransport(
            url=ws_url,
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
            init_payload={"apiKey": api_key},
            headers={"X-API-Key": api_key},
            connect_timeout=connect_timeout,
            ack_timeout=connect_timeout,
        )
        self._client = Client(transport=self._transport, execute_timeout=execute_timeout)
        self._reconnect = reconnect or Backoff(base=0.5, cap=10.0)
        self._connect_task: asyncio.Task[Any] | None = None
        self._session: ReconnectingAsyncClientSession | None = None
        self.connected = False
        self._ever_connected = False
        self.link_up = asyncio.Event()  # set while connected: lets callers wake up when the link returns
        self.auth_rejected = asyncio.Event()
        self.auth_error: AuthRejectedError | None = None

    async def start(self) -> None:
        self._connect_task = asyncio.create_task(
            self._client.connect_async(  # type: ignore[no-untyped-call]
                reconnecting=True, retry_connect=self._retry_connect, retry_execute=False
            ),
            name="gql-connect",
        )
        # connect_async assigns client.session before its first await, so one loop turn is enough; it then
        # keeps connecting in the background while the daemon works offline.
        await asyncio.sleep(0)
        session = getattr(self._client, "session", None)
        if not isinstance(session, ReconnectingAsyncClientSession):
            raise RuntimeError("gql did not create a reconnecting session")
        self._session = session

    async def close(self) -> None:
        if self._connect_task is not None:
            self._connect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._connect_task
        if self._session is not None:
            with contextlib.suppress(Exception):
                await self._client.close_async()  # type: ignore[no-untyped-call]
        self.connected = False
        self.link_up.clear()

    def _reject(self, message: str) -> None:
        if self.auth_error is None:
            self.auth_error = AuthRejectedError(message)
            event("orchestrator.auth_rejected", logging.ERROR, url=self.url, error=message)
        self.auth_rejected.set()

    def _retry_connect(self, connect: Callable[[], Awaitable[None]]) -> Callable[[], Awaitable[None]]:
        async def connect_until_up() -> None:
            failures = 0
            while True:
                try:
                    await connect()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    # A failure during connection_init leaves gql's transport half-open; reset it.
                    with contextlib.suppress(Exception):
                        await self._transport.close()
                    self.connected = False
                    self.link_up.clear()
                    rejection = auth_rejection(exc)
                    if rejection is not None:
                        self._reject(f"the orchestrator refused this API key: {rejection}")
                    delay = self._reconnect.next_delay()
                    failures += 1
                    level = logging.WARNING if failures == 1 and rejection is None else logging.INFO
                    event(
                        "orchestrator.connect_failed",
                        level,
                        url=self.url,
                        error=repr(exc),
                        retry_in=delay,
                        next_attempt_at=(datetime.now(UTC) + timedelta(seconds=delay)).isoformat(timespec="seconds"),
                        failures=failures,
                    )
                    await asyncio.sleep(delay)
                else:
                    self._reconnect.reset()
                    self.connected = self._ever_connected = True
                    self.link_up.set()
                    event("orchestrator.connected", url=self.url, after_failures=failures)
                    return

        return connect_until_up

    def _classify(self, error: Any) -> ReportRejectedError | OrchestratorUnavailableError:
        """Map one GraphQL error to what the caller should do; a refused key is fatal and raised."""
        code, message = _error_code(error), _error_message(error)
        if code == "UNAUTHENTICATED":
            self._reject(message)
            raise self.auth_error or AuthRejectedError(message)
        if code in PERMANENT_CODES:
            return ReportRejectedError(code, message)
        return OrchestratorUnavailableError(f"{code}: {message}", link=False, code=code)

    async def _execute(
        self, request: GraphQLRequest, variables: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, list[Any]]:
        """``(data, errors)``; raises :class:`OrchestratorUnavailableError` (link) when nothing came back."""
        session = self._session
        if session is None or not self._ever_connected:
            # gql's transport is unusable before its first connection; fail fast and let the caller wait.
            # Afterwards every call goes through gql even while disconnected: its failure is what asks the
            # reconnecting session to reconnect.
            raise OrchestratorUnavailableError("not connected to the orchestrator", link=True)
        try:
            return await session.execute(GraphQLRequest(request, variable_values=variables)), []
        except TransportQueryError as exc:
            return exc.data, list(exc.errors or [{"message": str(exc)}])
        except Exception as exc:
            # TransportError, OSError, TimeoutError, or a gql internal surprise while the socket is torn down:
            # all mean "the link is not usable now". The reconnect loop brings it back.
            if self.connected:
                event("orchestrator.disconnected", logging.WARNING, url=self.url, error=repr(exc))
            self.connected = False
            self.link_up.clear()
            raise OrchestratorUnavailableError(repr(exc), link=True) from exc

    async def _execute_one(self, request: GraphQLRequest, variables: dict[str, Any], field: str) -> Any:
        data, errors = await self._execute(request, variables)
        if errors:
            raise self._classify(errors[0])
        assert data is not None
        return data[field]

    async def call(self, request: GraphQLRequest, variables: dict[str, Any], field: str) -> Any:
        """One operation's ``field`` for the transfer side (uploader, agent), with the same error mapping as
        reports: :class:`ReportRejectedError` for what a resend cannot fix (``code`` says which),
        :class:`OrchestratorUnavailableError` for try-again-later, :class:`AuthRejectedError` for a refused key."""
        return await self._execute_one(request, variables, field)

    async def call_batch(
        self, request: GraphQLRequest, variables: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, list[Any]]:
        """``(data, errors)`` of an operation of aliased fields, for the caller to settle field by field (see
        :meth:`classify`). A dropped link raises :class:`OrchestratorUnavailableError`, a refused key
        :class:`AuthRejectedError`."""
        data, errors = await self._execute(request, variables)
        for error in errors:
            if _error_code(error) == "UNAUTHENTICATED":
                raise self._classify(error)
        return data, errors

    def classify(self, error: Any) -> ReportRejectedError | OrchestratorUnavailableError:
        """What one field's GraphQL error means: not resendable (rejected) or try again later."""
        return self._classify(error)

    async def subscribe(self, request: GraphQLRequest, variables: dict[str, Any]) -> AsyncIterator[dict[str, Any]]:
        """Results of one subscription on the shared session until the server completes it.

        A dropped link raises :class:`OrchestratorUnavailableError` (``link=True``; gql's reconnecting session
        is already reconnecting), a GraphQL error is classified like :meth:`call`'s. The caller re-subscribes,
        from its own cursor, once :attr:`link_up` is set again.
        """
        session = self._session
        if session is None or not self._ever_connected:
            raise OrchestratorUnavailableError("not connected to the orchestrator", link=True)
        results = session.subscribe(GraphQLRequest(request, variable_values=variables))
        try:
            async for result in results:
                yield result
        except TransportQueryError as exc:
            raise self._classify((exc.errors or [{"message": str(exc)}])[0]) from exc
        except Exception as exc:
            if self.connected:
                event("orchestrator.disconnected", logging.WARNING, url=self.url, error=repr(exc))
            self.connected = False
            self.link_up.clear()
            raise OrchestratorUnavailableError(repr(exc), link=True) from exc
        finally:
            with contextlib.suppress(Exception):
                await results.aclose()

    async def report_file(self, report: FileReport) -> ReportedFile:
        node = await self._execute_one(REPORT_FILE, {"input": report.as_input()}, "reportFile")
        return ReportedFile(str(node["id"]), str(node["state"]), str(node["sha256"]))

    async def report_files(self, reports: Sequence[FileReport]) -> list[ReportOutcome]:
        """Report several files in one operation (aliased ``reportFile`` fields), one outcome per file.

        The orchestrator pays its per-operation cost (parse, validate, WebSocket message) once per batch;
        each field is still its own idempotent transaction on the server.
        """
        if len(reports) == 1:
            try:
                return [await self.report_file(reports[0])]
            except (ReportRejectedError, OrchestratorUnavailableError) as exc:
                if isinstance(exc, OrchestratorUnavailableError) and exc.link:
                    raise
                return [exc]
        data, errors = await self._execute(
            _report_batch(len(reports)), {f"i{k}": r.as_input() for k, r in enumerate(reports)}
        )
        if data is None:
            # A whole-operation error, or one failed field nulled the others (reportFile is non-null): ask
            # again one by one. reportId makes the repeats of the ones that did commit harmless.
            return [outcome for r in reports for outcome in await self.report_files([r])]
        by_alias: dict[str, Any] = {}
        for error in errors:
            path = error.get("path") if isinstance(error, dict) else None
            if path:
                by_alias.setdefault(str(path[0]), error)
        outcomes: list[ReportOutcome] = []
        for k in range(len(reports)):
            node = data.get(f"r{k}")
            if node:
                outcomes.append(ReportedFile(str(node["id"]), str(node["state"]), str(node["sha256"])))
            else:
                outcomes.append(self._classify(by_alias.get(f"r{k}", {"message": "no result for this file"})))
        return outcomes

    async def report_package(self, report: FileReport) -> ReportOutcome:
        """Stage the members in batches (each its own request, under the body limit), then report the package.

        Staging is idempotent per (reportId, member path), so a resend after any failure starts over harmlessly.
        Link failures raise (the caller waits for the link); anything else is this package's outcome.
        """
        assert report.package is not None
        members = report.package.members
        card_hashes: dict[str, list[str]] = (report.package.custody or {}).get("hashes", {})
        try:
            for start in range(0, len(members), STAGE_BATCH):
                batch = members[start : start + STAGE_BATCH]
                await self._execute_one(
                    STAGE_MEMBERS,
                    {
                        "input": {
                            "site": report.site,
                            "reportId": report.report_id,
                            "members": [_member(m, card_hashes.get(m[0])) for m in batch],
                        }
                    },
                    "stagePackageMembers",
                )
            return await self.report_file(report)
        except (ReportRejectedError, OrchestratorUnavailableError) as exc:
            if isinstance(exc, OrchestratorUnavailableError) and exc.link:
                raise
            return exc

    async def heartbeat(
        self,
        *,
        site: str,
        version: str,
        watch_path: str,
        queue_depth: int,
        disk_free: int | None,
        metadata_only: bool = False,
    ) -> dict[str, Any]:
        result: dict[str, Any] = await self._execute_one(
            HEARTBEAT,
            {
                "input": {
                    "site": site,
                    "daemonVersion": version,
                    "watchPath": watch_path,
                    "queueDepth": queue_depth,
                    "diskFreeBytes": disk_free,
                    "metadataOnly": metadata_only,  # decides whether this site's transfer jobs are EXTERNAL
                }
            },
            "heartbeat",
        )
        return result
