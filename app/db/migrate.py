"""Run Alembic migrations programmatically (``serve`` start and ``colorroute migrate``)."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config

from alembic import command

ROOT = Path(__file__).resolve().parent.parent.parent


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "alembic"))
    cfg.attributes["url"] = url
    return cfg


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest revision. Must be called outside an event loop."""
    command.upgrade(alembic_config(url), "head")
