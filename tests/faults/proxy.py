"""A loopback TCP proxy that can cut every connection through it on command.

Clients connect to ``127.0.0.1:<proxy.port>``; each connection is piped to ``upstream``. :meth:`drop_all`
aborts both sides of every open connection at once (an RST, like a NAT or load balancer losing its state), while
the listener stays up so clients can reconnect through it. :meth:`refuse` additionally closes new connections
as soon as they arrive, until :meth:`accept` is called. :meth:`damage_once` flips one bit of what a client sends
next (a body on its way upstream: bytes damaged in transit that TCP did not catch).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field


@dataclass(eq=False)
class _Pipe:
    client: asyncio.StreamWriter
    server: asyncio.StreamWriter
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    def abort(self) -> None:
        for writer in (self.client, self.server):
            transport = writer.transport
            if not transport.is_closing():
                transport.abort()
        for task in self.tasks:
            task.cancel()


class TcpProxy:
    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._server: asyncio.Server | None = None
        self._pipes: set[_Pipe] = set()
        self._refusing = False
        self.connections = 0  # accepted and piped, over the proxy's life
        self.dropped = 0  # cut by drop_all
        self.damaged = 0  # pieces with a bit flipped by damage_once
        self._damage = False

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    async def start(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        self.drop_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def __aenter__(self) -> TcpProxy:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def drop_all(self) -> int:
        """Abort every open connection; returns how many were cut."""
        pipes, self._pipes = self._pipes, set()
        for pipe in pipes:
            pipe.abort()
        self.dropped += len(pipes)
        return len(pipes)

    def damage_once(self) -> None:
        """Flip the last bit of the next piece of at least 32 KiB a client sends upstream: past any request's
        headers, so inside a body."""
        self._damage = True

    def refuse(self) -> None:
        self._refusing = True

    def accept(self) -> None:
        self._refusing = False

    @property
    def open_connections(self) -> int:
        return len(self._pipes)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._refusing:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(*self.upstream), timeout=5)
        except (OSError, TimeoutError):
            writer.transport.abort()
            return
        pipe = _Pipe(client=writer, server=up_writer)
        self._pipes.add(pipe)
        self.connections += 1
        pipe.tasks = [
            asyncio.create_task(self._pump(reader, up_writer, pipe, upstream=True)),
            asyncio.create_task(self._pump(up_reader, writer, pipe)),
        ]
        await asyncio.gather(*pipe.tasks, return_exceptions=True)
        self._pipes.discard(pipe)
        for w in (writer, up_writer):
            with contextlib.suppress(Exception):
                w.close()

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pipe: _Pipe, *, upstream: bool = False
    ) -> None:
        try:
            while data := await reader.read(65536):
                if upstream and self._damage and len(data) >= 32768:
                    self._damage = False
                    self.damaged += 1
                    data = data[:-1] + bytes([data[-1] ^ 1])
                writer.write(data)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            # One side finished: end the other direction too, the way a half-close would.
            if pipe in self._pipes:
                with contextlib.suppress(Exception):
                    if writer.can_write_eof():
                        writer.write_eof()
