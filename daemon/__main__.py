"""`python -m daemon` runs the same entry point as the `colorroute-daemon` console script."""

from daemon.cli import main

raise SystemExit(main())
