"""``bulkFileAction``: the Files page's multi-select, each file through its single mutation's service."""

from __future__ import annotations

import strawberry

from app.domain.states import FileAction
from app.services import bulk, reads
from graphql_schema.context import Info
from graphql_schema.files.types import File, FileFilter
from graphql_schema.permissions import AUTHENTICATED


@strawberry.input(description="Exactly one of ids and filter (BAD_USER_INPUT otherwise).")
class BulkFileActionInput:
    action: FileAction = strawberry.field(description="VALIDATE, QUEUE, ASSIGN or REJECT.")
    ids: list[strawberry.ID] | None = None
    filter: FileFilter | None = strawberry.field(
        default=None, description="Every file this filter matches when the request runs."
    )
    destination_site: str | None = strawberry.field(
        default=None, description="QUEUE: a site code; without one, each file's matching routing rule decides."
    )
    colorist_id: strawberry.ID | None = strawberry.field(default=None, description="ASSIGN: required.")
    reason: str | None = strawberry.field(default=None, description="REJECT: required.")


@strawberry.type
class BulkFailure:
    file_id: strawberry.ID
    code: str = strawberry.field(description="The code the single mutation would have answered with.")
    message: str


@strawberry.type
class BulkResult:
    succeeded: list[File]
    failed: list[BulkFailure]


@strawberry.type
class BulkMutations:
    @strawberry.mutation(
        permission_classes=AUTHENTICATED,
        description="One audited transition per file, each in its own transaction: a refused file is listed in "
        "failed with its code and undoes nothing. At most COLORROUTE_BULK_MAX_FILES files (BAD_USER_INPUT above, "
        "nothing applied); a role that may never take the step is refused FORBIDDEN.",
    )
    async def bulk_file_action(self, info: Info, input: BulkFileActionInput) -> BulkResult:
        ctx = info.context
        f = input.filter
        query = (
            reads.FileListQuery(
                states=tuple(f.states or ()), site_code=f.site_code, colorist_id=f.colorist_id, search=f.search
            )
            if f is not None
            else None
        )
        outcome = await bulk.run(
            ctx.db,
            ctx.settings,
            ctx.actor,
            bulk.BulkRequest(
                action=input.action,
                ids=[str(i) for i in input.ids] if input.ids is not None else None,
                filter=query,
                destination_site=input.destination_site,
                colorist_id=input.colorist_id,
                reason=input.reason,
            ),
        )
        return BulkResult(
            succeeded=[File.from_row(r) for r in outcome.succeeded],
            failed=[
                BulkFailure(file_id=strawberry.ID(x.file_id), code=x.code, message=x.message) for x in outcome.failed
            ],
        )


@strawberry.type
class ConfigurationQueries:
    """What the server is configured to accept and do, for the UI's wording and the daemons' choices."""

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="Whether a MAM is configured (COLORROUTE_MAM_URL). Without one, deliverToMam changes the "
        "file's state only: nothing is sent anywhere.",
    )
    def mam_configured(self, info: Info) -> bool:
        return bool(info.context.settings.mam_url)

    @strawberry.field(
        permission_classes=AUTHENTICATED,
        description="The file extensions validateFile accepts (COLORROUTE_ALLOWED_EXTENSIONS), lowercase with "
        "their dot. A site daemon reports a file of any other extension but does not upload its bytes.",
    )
    def allowed_extensions(self, info: Info) -> list[str]:
        return list(info.context.settings.allowed_extensions)
