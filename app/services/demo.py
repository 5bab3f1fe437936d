"""Demo data for ``make run``: real users and files taken through the real services, so the audit trail
of every sample file is a true history, not inserted rows."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from app.config import Settings
from app.db.engine import SessionFactory
from app.db.models import File
from app.domain.errors import Forbidden
from app.domain.permissions import Actor, ActorKind, Capability, Role, has_capability
from app.domain.states import FileAction
from app.repositories import users as users_repo
from app.services import lifecycle, transfers
from app.services.reporting import FileReport, report_file
from app.services.users import NewUser, create_user


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: Role
    site: str | None


DEMO_LOGINS = (
    DemoLogin("admin", "admin-demo-pass", Role.ADMIN, None),
    DemoLogin("engineer", "engineer-demo-pass", Role.ENGINEER, "tustin"),
    DemoLogin("alice", "alice-demo-pass", Role.COLORIST, "nashville"),
    DemoLogin("bob", "bob-demo-pass", Role.COLORIST, "dallas"),
    DemoLogin("viewer", "viewer-demo-pass", Role.READONLY, None),
)
_DISPLAY = {
    "admin": "Ada Admin",
    "engineer": "Eli Engineer",
    "alice": "Alice Colorist",
    "bob": "Bob Colorist",
    "viewer": "Vera Viewer",
}

# (path at tustin, how far along the lifecycle it goes)
_SAMPLES = (
    ("A001/A001_C001_0101.mov", "DETECTED"),
    ("A001/A001_C002_0101.mxf", "VALIDATED"),
    ("A002/A002_C003_0102.r3d", "QUEUED"),
    ("A002/A002_C004_0102.braw", "TRANSFERRING"),
    ("A003/A003_C005_0103.mov", "TRANSFERRED"),
    ("A003/A003_C006_0103.ari", "COLORIST_ASSIGNED"),
    ("A004/A004_C007_0104.mxf", "IN_PROGRESS"),
    ("A004/A004_C008_0104.mov", "DELIVERED_TO_MAM"),
    ("A005/A005_C009_0105.mp4", "ARCHIVED"),
    ("A005/notes_0105.txt", "REJECTED"),
)
_ORDER = [
    "DETECTED",
    "VALIDATED",
    "QUEUED",
    "TRANSFERRING",
    "TRANSFERRED",
    "COLORIST_ASSIGNED",
    "IN_PROGRESS",
    "DELIVERED_TO_MAM",
    "ARCHIVED",
]


async def seed_demo(db: SessionFactory, settings: Settings, actor: Actor) -> bool:
    """Create the demo users and sample files when missing. Returns whether anything was created."""
    if not has_capability(actor, Capability.SEED_DEMO):
        raise Forbidden(f"{actor.name} may not seed demo data")
    created = False
    for demo in DEMO_LOGINS:
        async with db() as session:
            exists = await users_repo.by_username(session, demo.username)
        if exists is None:
            await create_user(
                db, actor, NewUser(demo.username, demo.password, demo.role, _DISPLAY[demo.username], demo.site)
            )
            created = True
    async with db() as session:
        if int(await session.scalar(select(func.count()).select_from(File)) or 0) > 0:
            return created
        alice = await users_repo.by_username(session, "alice")
        engineer = await users_repo.by_username(session, "engineer")
    assert alice is not None and engineer is not None
    # The sample histories read like real ones: the daemons report and move bytes, the engineer routes,
    # alice grades.
    daemon = Actor(kind=ActorKind.SITE, name="site:tustin", site_code="tustin")
    agent = Actor(kind=ActorKind.SITE, name="site:nashville", site_code="nashville")
    ops = Actor(kind=ActorKind.USER, name="engineer", user_id=engineer.id, role=Role.ENGINEER)
    grader = Actor(kind=ActorKind.USER, name="alice", user_id=alice.id, role=Role.COLORIST)
    for i, (path, target) in enumerate(_SAMPLES):
        digest = hashlib.sha256(f"demo-{path}".encode()).hexdigest()
        file = await report_file(
            db, daemon, FileReport("tustin", path, 1_000_000_000 + i * 7_340_033, digest, report_id=f"demo-{i}")
        )
        fid = str(file.id)
        if target == "REJECTED":
            await lifecycle.validate_file(db, settings, ops, fid)  # .txt: validation rejects it
            continue
        steps = _ORDER[1 : _ORDER.index(target) + 1]
        for state in steps:
            if state == "VALIDATED":
                await lifecycle.validate_file(db, settings, ops, fid)
            elif state == "QUEUED":
                await lifecycle.queue_file(db, ops, fid, "nashville")
            elif state == "TRANSFERRING":
                await transfers.start_transfer(db, agent, fid)
            elif state == "TRANSFERRED":
                # Where Nashville's agent would place it: what alice's queue shows.
                await transfers.complete_transfer(db, agent, fid, digest, f"/srv/colorroute/nashville/incoming/{path}")
            elif state == "COLORIST_ASSIGNED":
                await lifecycle.assign_colorist(db, ops, fid, str(alice.id))
            elif state == "IN_PROGRESS":
                await lifecycle.act(db, grader, fid, FileAction.START)
            elif state == "DELIVERED_TO_MAM":
                await lifecycle.act(db, grader, fid, FileAction.DELIVER)
            elif state == "ARCHIVED":
                await lifecycle.act(db, ops, fid, FileAction.ARCHIVE)
    return True
