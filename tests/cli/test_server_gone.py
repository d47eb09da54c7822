"""With the database server gone, a command says so in one line and exits non-zero.

No traceback, no second line: what is unreachable, why (the driver's words),
that nothing was changed, and what to check. The server is "gone" on a port
where nothing listens, and behind a relay that is unplugged after the board
was made (``Cable`` of the window tests).
"""

from __future__ import annotations

import socket
import subprocess
import sys

from ui.live_fixtures import ROOT, Cable, cable  # noqa: F401 - fixtures, found by name


def free_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = int(probe.getsockname()[1])
    probe.close()
    return port


def kanban(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kanban", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_refusal(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert lines[0].startswith("kanban: error: Cannot reach the database server")
    assert "nothing was changed" in lines[0]
    assert done.stdout == ""


def test_a_server_where_nothing_listens_is_one_line_and_exit_1() -> None:
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/board"
    for args in (("list",), ("add", "Renew wildcard certificate")):
        done = kanban(*args, "--db", url)
        assert_one_line_refusal(done)
        assert "Connection refused" in done.stderr


def test_a_server_lost_after_the_board_was_made_is_one_line_and_changes_nothing(
    pg_url: str,
    cable: Cable,  # noqa: F811
) -> None:
    through = cable.url(pg_url)
    made = kanban("add", "Renew wildcard certificate", "--db", through)
    assert made.returncode == 0, made.stderr
    cable.unplug()
    assert_one_line_refusal(kanban("add", "Patch the file servers", "--db", through))
    listed = kanban("list", "--json", "--db", pg_url)  # the server itself is still there
    assert listed.returncode == 0, listed.stderr
    assert "Patch the file servers" not in listed.stdout
    assert "Renew wildcard certificate" in listed.stdout
