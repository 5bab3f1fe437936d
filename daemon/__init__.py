"""Site daemon: watch a folder, settle and hash finished files, report them to the orchestrator."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("color-routing")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
