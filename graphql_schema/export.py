"""Print the schema SDL (what ``strawberry export-schema`` prints), without the CLI's extra dependencies.

``python -m graphql_schema.export > schema.graphql``; ``--check`` fails when the committed file differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from graphql_schema.schema import schema


def main() -> int:
    sdl = schema.as_str() + "\n"
    if "--check" in sys.argv:
        committed = Path(__file__).resolve().parent.parent / "schema.graphql"
        if not committed.exists() or committed.read_text() != sdl:
            print("schema.graphql differs from the code: run `make schema` and commit it", file=sys.stderr)
            return 1
        return 0
    sys.stdout.write(sdl)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
