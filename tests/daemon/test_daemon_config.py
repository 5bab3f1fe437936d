import subprocess
import sys
from pathlib import Path

import pytest

from daemon.cli import build_parser, config_from_args
from daemon.config import ConfigError, DaemonConfig, graphql_ws_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("http://localhost:5000", "ws://localhost:5000/graphql"),
        ("http://localhost:5000/", "ws://localhost:5000/graphql"),
        ("https://hub.example.com", "wss://hub.example.com/graphql"),
        ("https://hub.example.com/crs/", "wss://hub.example.com/crs/graphql"),
        ("http://10.0.0.5:5000/graphql", "ws://10.0.0.5:5000/graphql"),
        ("wss://hub.example.com/graphql", "wss://hub.example.com/graphql"),
    ],
)
def test_orchestrator_url_maps_to_the_graphql_websocket(given: str, expected: str) -> None:
    assert graphql_ws_url(given) == expected


@pytest.mark.parametrize("bad", ["localhost:5000", "ftp://x", "http://", "http://host:99999", "http://h/?q=1", ""])
def test_bad_orchestrator_urls_are_refused(bad: str) -> None:
    with pytest.raises(ConfigError):
        graphql_ws_url(bad)


def test_flags_match_the_documented_cli(tmp_path: Path) -> None:
    args = build_parser().parse_args(
        ["-s", "tustin", "-w", str(tmp_path), "-o", "http://hub:5000", "-k", "KEY", "--metadata-only", "--poll",
         "--settle-seconds", "2", "--rescan-interval", "60", "--heartbeat-interval", "10",
         "--include", "*.mov", "--exclude", "proxies", "--state-dir", str(tmp_path / "st")]
    )  # fmt: skip
    cfg = config_from_args(args)
    assert (cfg.site, cfg.watch, cfg.orchestrator, cfg.api_key) == ("tustin", tmp_path, "http://hub:5000", "KEY")
    assert cfg.metadata_only and cfg.poll
    assert (cfg.settle_seconds, cfg.rescan_interval, cfg.heartbeat_interval) == (2, 60, 10)
    assert cfg.include == ("*.mov",) and cfg.exclude == ("proxies",)
    cfg.validate()


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAEMON_API_KEY", "from-env")
    cfg = config_from_args(build_parser().parse_args(["--site", "dallas", "--watch", str(tmp_path)]))
    assert cfg.api_key == "from-env"
    assert cfg.orchestrator == "http://localhost:5000"
    assert cfg.heartbeat_interval == 30 and cfg.rescan_interval == 300
    assert cfg.state_dir == Path(".daemon-state") / "dallas"


def test_validate_refuses_a_file_as_watch_folder(tmp_path: Path) -> None:
    f = tmp_path / "f"
    f.write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        DaemonConfig(site="s", watch=f, api_key="k").validate()
    with pytest.raises(ConfigError, match="API key"):
        DaemonConfig(site="s", watch=tmp_path, api_key="").validate()


def _run(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "daemon", *argv], capture_output=True, text=True, timeout=60, env=env)


def test_missing_folder_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    r = _run("-s", "tustin", "-w", str(tmp_path / "nope"), "-k", "k", "--state-dir", str(tmp_path / "st"))
    assert r.returncode == 2
    assert "watch folder does not exist" in r.stderr


def test_bad_url_exits_2(tmp_path: Path) -> None:
    r = _run("-s", "tustin", "-w", str(tmp_path), "-k", "k", "-o", "localhost:5000", "--state-dir", str(tmp_path))
    assert r.returncode == 2
    assert "orchestrator URL" in r.stderr


def test_missing_key_exits_2(tmp_path: Path) -> None:
    r = _run("-s", "tustin", "-w", str(tmp_path), env={"PATH": "/usr/bin:/bin"})
    assert r.returncode == 2
    assert "API key" in r.stderr


def test_site_is_required() -> None:
    r = _run("-w", "/tmp")
    assert r.returncode == 2
    assert "--site" in r.stderr


def test_every_flag_says_what_it_does() -> None:
    undocumented = [a.option_strings for a in build_parser()._actions if a.option_strings and not a.help]
    assert undocumented == []
