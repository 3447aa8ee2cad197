"""Where the git checkout starts, for the formats GitHub reads.

GitHub addresses files from the repository's top (annotations and code scanning alike), while
report paths are relative to the project root, which sits lower when the config lives in a
subdirectory. This stat of `.git` is the only look at the disk a reporter makes besides snippets.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath


def checkout_root(root: str) -> Path:
    """The nearest directory at or above `root` holding `.git`; `root` itself when there is none."""
    start = Path(root)
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return start


def in_checkout(prefix: PurePosixPath, path: str) -> str:
    """A report path (relative to the project root) made relative to the checkout's top."""
    return (prefix / path).as_posix()


def checkout_prefix(root: str) -> PurePosixPath:
    """The project root's place inside the checkout: `services/api`, or empty at the top."""
    return PurePosixPath(Path(root).relative_to(checkout_root(root)).as_posix())
