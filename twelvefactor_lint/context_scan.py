"""The context scan: which of the Python files no selected rule judges (tests, migrations, scripts) linking may
still need, told from their bytes (`link.needs.may_provide_context`) or a directive they may hold.

A large project has thousands of such files (3,180 of saleor's 4,338), each read and searched for a few words:
some 0.2 CPU-seconds, which the parent would spend alone before the analysis starts. Over worker processes in
batches (a message per batch, not per file) when there are enough of them, as `infra.pool` decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from twelvefactor_lint.analyze.directives import may_hold_directive
from twelvefactor_lint.discover.sources import load
from twelvefactor_lint.discover.walk import SourceFile
from twelvefactor_lint.link.needs import may_provide_context

_BATCH = 32
"""Files a worker scans per message; `pool.worker_count` then counts batches, so only a project with some
1,500 files to scan starts two workers for them."""


def scan_all(sources: Sequence[SourceFile], max_size: int, jobs: int, deadline: float) -> list[bool | str]:
    """For each source, in order: whether linking may need it, or the reason it cannot be read."""
    from twelvefactor_lint.infra import pool

    batches = [sources[start:start + _BATCH] for start in range(0, len(sources), _BATCH)]
    work = partial(scan_batch, max_size=max_size)
    done = pool.map_in_order(work, batches, jobs, lambda batch, reason: None, deadline=deadline)
    # a batch whose worker died or overran is scanned here, as a run without workers would
    return [found for batch, outcome in zip(batches, done, strict=True)
            for found in (outcome if outcome is not None else scan_batch(batch, max_size))]


def scan_batch(sources: Sequence[SourceFile], max_size: int) -> list[bool | str]:
    """For each source, in order: whether linking may need it, or the reason it cannot be read."""
    found: list[bool | str] = []
    for source in sources:
        loaded = load(source.path, max_size)
        if loaded.data is None:
            found.append(loaded.skip_reason or "unreadable")
        else:
            found.append(may_provide_context(loaded.data) or may_hold_directive(loaded.data))
    return found
