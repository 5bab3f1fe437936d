"""What an operator sees: health, readiness, Prometheus metrics, request ids."""

from __future__ import annotations

import os

from tests.conftest import Server
from tests.support import GLOBAL_KEY, Api, report


async def test_health_readiness_metrics_and_request_ids(server: Server) -> None:
    server.settings.data_dir.mkdir(parents=True, exist_ok=True)  # made by the embedded PostgreSQL or a first upload
    async with Api(server.url, api_key=GLOBAL_KEY) as daemon:
        assert (await daemon.http.get("/healthz")).json() == {"status": "ok"}
        ready = await daemon.http.get("/readyz")
        assert ready.status_code == 200 and ready.json() == {"database": True, "listener": True}
        await report(daemon, path="A/one.mov")
        await report(daemon, path="A/two.mov")
        r = await daemon.http.post(
            "/graphql", json={"query": "query Sites { sites { code } }"}, headers={"X-Request-ID": "trace-abc-12345"}
        )
        assert r.headers["x-request-id"] == "trace-abc-12345"
        minted = await daemon.http.get("/healthz")
        assert len(minted.headers["x-request-id"]) == 32
        text = (await daemon.http.get("/metrics")).text
    assert 'colorroute_files{state="DETECTED"} 2.0' in text
    assert 'colorroute_graphql_operation_seconds_count{operation="Sites",type="query"}' in text
    assert 'colorroute_http_request_seconds_count{method="POST",route="/graphql",status="200"}' in text
    assert "colorroute_event_listener_up 1.0" in text
    assert "colorroute_subscribers 0.0" in text
    # The data directory's filesystem, as the kernel counts it (its size exactly; free space moves meanwhile).
    gauges = {k: float(v) for k, _, v in (line.partition(" ") for line in text.splitlines()) if "_data_dir_" in k}
    disk = os.statvfs(server.settings.data_dir)
    assert gauges["colorroute_data_dir_size_bytes"] == disk.f_blocks * disk.f_frsize
    assert 0 < gauges["colorroute_data_dir_free_bytes"] <= gauges["colorroute_data_dir_size_bytes"]
