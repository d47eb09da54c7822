"""Refuse a SQLite board on a network filesystem (NFS, SMB, sshfs, 9p).

SQLite's locking relies on POSIX locks and shared memory that network
filesystems implement badly or not at all, so two machines writing one file
there corrupt it sooner or later. A team that shares a board puts it on a
PostgreSQL server instead. On Linux the filesystem of a path is read from
:data:`MOUNTS_PATH` (the mount with the longest matching prefix); other systems
are not checked.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from kanban.errors import StorageError

# Where the kernel lists the mounts; tests point it at a file of their own.
MOUNTS_PATH = Path("/proc/mounts")

# Filesystem types (the third field of /proc/mounts) that are network shares.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs"}
)


def _unescape(field: str) -> str:
    # The kernel writes a space, tab, newline and backslash in a mount point as
    # octal escapes (\040, \011, \012, \134).
    out, i = [], 0
    while i < len(field):
        digits = field[i + 1 : i + 4]
        if field[i] == "\\" and len(digits) == 3 and all(c in "01234567" for c in digits):
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mounts(path: Path | None = None) -> list[tuple[str, str]]:
    """The (mount point, filesystem type) pairs of the mount table; [] if unreadable."""
    try:
        text = (path or MOUNTS_PATH).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    table = []
    for line in text.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            table.append((_unescape(fields[1]), fields[2]))
    return table


def filesystem_of(path: Path) -> tuple[str, str] | None:
    """The mount point and filesystem type holding ``path`` (which need not exist yet)."""
    target = os.path.realpath(path)
    best: tuple[str, str] | None = None
    for point, fstype in mounts():
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        # A later line with the same mount point is mounted over the earlier one.
        if inside and (best is None or len(point) >= len(best[0])):
            best = (point, fstype)
    return best


def refuse_network_filesystem(path: Path) -> None:
    """Raise if the SQLite file ``path`` is on a network filesystem (Linux only).

    Raises:
        StorageError: naming the mount and pointing at PostgreSQL.
    """
    if not sys.platform.startswith("linux"):
        return
    found = filesystem_of(path)
    if found is None or found[1] not in NETWORK_FILESYSTEMS:
        return
    point, fstype = found
    raise StorageError(
        f"The board file {path} is on a network filesystem ({fstype}, mounted at {point}); "
        "SQLite cannot lock a file there safely and the board would get damaged. Keep a "
        "personal board on a local disk (move the file, or choose another with --db), and "
        "share a team board on a PostgreSQL server instead (README: 'Shared board on "
        "PostgreSQL'). Nothing was opened."
    )
