"""Snapshots of the search index: a new replica copies one instead of reading the whole store.

Building an index from the store reads every article (22 minutes at 10M
passages, deploy/scaling.md); copying another replica's index files takes
seconds, and the change log does the rest: the snapshot's params file names
the last change it holds, so the replica replays only what came after.

A snapshot folder holds snapshots named ``index-<change>``, each published
whole by renaming a finished copy into place, so a replica reading the folder
never sees half of one; the two newest are kept (one may be being copied by
a replica while the next is published). ``newsbot index export DIR`` writes
one, the leading replica refreshes ``NEWSBOT_INDEX_SNAPSHOT_PATH``, and a
replica whose index must be built (new, damaged, of another format) starts
from the newest one that mirrors its store.

A snapshot is only usable for the store it was taken of: the same store
generation (a restore makes a new one, and every index must then be rebuilt)
and no further than the store's change log reaches.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from retrieval.search.index import IndexParams, SearchIndex, folder_bytes, index_exists, read_params

PREFIX = "index-"
KEEP = 2
# A partial copy untouched this long was left by a process that died (a copy takes seconds to minutes).
STALE_PARTIAL_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One snapshot on disk and what its params file says."""

    path: Path
    params: IndexParams
    size_bytes: int

    @property
    def applied_change(self) -> int:
        return self.params.applied_change


def _snapshot_at(path: Path) -> Snapshot | None:
    params = read_params(path)
    if params is None or not index_exists(path):
        return None
    return Snapshot(path, params, folder_bytes(path))


def snapshots_in(folder: Path) -> list[Snapshot]:
    """The whole snapshots in ``folder``, newest (latest change) first; ``folder`` may itself be one."""
    if (itself := _snapshot_at(folder)) is not None:
        return [itself]
    try:
        entries = [entry for entry in folder.iterdir() if entry.name.startswith(PREFIX) and entry.is_dir()]
    except OSError:
        return []
    found = [snapshot for entry in entries if (snapshot := _snapshot_at(entry)) is not None]
    return sorted(found, key=lambda snapshot: snapshot.applied_change, reverse=True)


def why_unusable(snapshot: Snapshot, generation: str, last_change: int) -> str | None:
    """Why ``snapshot`` cannot seed an index of the store at ``generation`` whose log ends at ``last_change``."""
    if not snapshot.params.compatible(IndexParams()):
        return f"it is of another index format ({snapshot.params.format}/{snapshot.params.analyzer})"
    if snapshot.params.store != generation:
        return "it was taken of another store (or before the store was restored from a backup)"
    if snapshot.applied_change > last_change:
        return f"it reaches change {snapshot.applied_change:,}, past the store's last ({last_change:,})"
    return None


def usable_snapshot(folder: Path, generation: str, last_change: int) -> tuple[Snapshot | None, str | None]:
    """The newest snapshot in ``folder`` usable for this store, or None and why not."""
    found = snapshots_in(folder)
    if not found:
        return None, f"{folder} holds no snapshot of the search index"
    reasons = []
    for snapshot in found:
        reason = why_unusable(snapshot, generation, last_change)
        if reason is None:
            return snapshot, None
        reasons.append(f"{snapshot.path.name}: {reason}")
    return None, f"no snapshot in {folder} fits this store ({'; '.join(reasons)})"


def publish(index: SearchIndex, folder: Path) -> Snapshot:
    """Copy ``index`` into ``folder`` as ``index-<change>`` (whole, or not at all) and drop older snapshots.

    The caller holds the index's sync lock, so its own process does not
    write meanwhile. A failure (a full disk) leaves the older snapshots
    as they were.
    """
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{PREFIX}{index.applied_change:012d}"
    partial = folder / f".{name}.partial-{os.getpid()}"
    _remove_stale_partials(folder)
    try:
        index.copy_to(partial)
        target = folder / name
        if target.exists():  # the same change taken again (say, by hand): the new copy replaces it
            shutil.rmtree(target)
        os.replace(partial, target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    for older in snapshots_in(folder)[KEEP:]:
        shutil.rmtree(older.path, ignore_errors=True)
    snapshot = _snapshot_at(target)
    assert snapshot is not None
    return snapshot


def _remove_stale_partials(folder: Path) -> None:
    for entry in folder.glob(f".{PREFIX}*.partial-*"):
        try:
            if time.time() - entry.stat().st_mtime > STALE_PARTIAL_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue
