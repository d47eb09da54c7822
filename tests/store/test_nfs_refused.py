"""A SQLite board on a network filesystem is refused, pointing at PostgreSQL.

The mount table is a file of the test's own (``netfs.MOUNTS_PATH``), so no
share has to be mounted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from kanban.errors import StorageError
from kanban.store import db, netfs

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the mount table is read on Linux only"
)


@pytest.fixture
def mount_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A /proc/mounts of the test's own; the test writes its lines."""
    table = tmp_path / "mounts"
    table.write_text("/dev/sda1 / ext4 rw,relatime 0 0\n")
    monkeypatch.setattr(netfs, "MOUNTS_PATH", table)
    return table


def mount(table: Path, point: Path | str, fstype: str) -> None:
    shown = str(point).replace(" ", "\\040")
    with table.open("a") as f:
        f.write(f"server:/export {shown} {fstype} rw,relatime 0 0\n")


@pytest.mark.parametrize("fstype", ["nfs", "nfs4", "cifs", "smbfs", "fuse.sshfs", "9p"])
def test_a_board_on_a_network_share_is_refused_untouched(
    tmp_path: Path, mount_table: Path, fstype: str
) -> None:
    share = tmp_path / "team"
    share.mkdir()
    mount(mount_table, share, fstype)
    board = share / "configs" / "board.db"
    with pytest.raises(StorageError) as caught:
        db.open_database(f"sqlite:///{board}")
    message = str(caught.value)
    assert str(board) in message and fstype in message and str(share) in message
    assert "PostgreSQL" in message
    assert not board.parent.exists()  # not even its folder was made


def test_the_longest_mount_wins(tmp_path: Path, mount_table: Path) -> None:
    # A local disk mounted inside the share (and a share inside that) decide by depth.
    share = tmp_path / "nfs"
    local = share / "local"
    inner = local / "x"
    inner.mkdir(parents=True)
    mount(mount_table, share, "nfs4")
    mount(mount_table, local, "xfs")
    mount(mount_table, inner, "cifs")
    engine = db.open_database(f"sqlite:///{local / 'board.db'}")
    engine.dispose()
    assert (local / "board.db").exists()
    with pytest.raises(StorageError, match="cifs"):
        db.open_database(f"sqlite:///{inner / 'board.db'}")


def test_a_mount_point_is_a_whole_folder_name(tmp_path: Path, mount_table: Path) -> None:
    # /srv/share is a share; /srv/share-local is not inside it.
    (tmp_path / "share").mkdir()
    beside = tmp_path / "share-local"
    beside.mkdir()
    mount(mount_table, tmp_path / "share", "nfs")
    db.open_database(f"sqlite:///{beside / 'board.db'}").dispose()
    assert (beside / "board.db").exists()


def test_a_mount_point_with_a_space(tmp_path: Path, mount_table: Path) -> None:
    share = tmp_path / "Team Share"
    share.mkdir()
    mount(mount_table, share, "cifs")  # the kernel writes the space as \040
    with pytest.raises(StorageError, match="network filesystem"):
        db.open_database(f"sqlite:///{share / 'board.db'}")


def test_a_symlink_into_a_share_is_followed(tmp_path: Path, mount_table: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    mount(mount_table, share, "nfs")
    link = tmp_path / "boards"
    link.symlink_to(share)
    with pytest.raises(StorageError, match="nfs"):
        db.open_database(f"sqlite:///{link / 'board.db'}")


def test_a_local_board_opens_and_an_unreadable_table_checks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netfs, "MOUNTS_PATH", tmp_path / "no-such-mounts")
    db.open_database(f"sqlite:///{tmp_path / 'board.db'}").dispose()
    assert (tmp_path / "board.db").exists()
