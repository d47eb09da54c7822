"""``kanban db password``: the shared board's password goes to the keyring and is never shown.

Against the PostgreSQL server every machine of this project runs (trust
authentication, so any password connects: what is checked is where the
password goes and that no output or log line holds it).
"""

from __future__ import annotations

import io
import os
import pty
import sys
from pathlib import Path

import pytest
from cli.conftest import Result
from sqlalchemy.engine import make_url

from kanban.cli.main import run
from kanban.logs import log_file
from kanban.store import connect, db

pytestmark = pytest.mark.integration
SECRET = "c0rrect-h0rse"
TESTS = Path(__file__).resolve().parents[1]


def kanban(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> Result:
    """Run one command in-process with ``stdin`` as its input."""
    real = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = run(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin = real
    out = capsys.readouterr()
    return Result(code, out.out, out.err)


def without_password(url: str) -> str:
    return make_url(url).render_as_string(hide_password=False)


def test_the_password_is_kept_for_the_urls_user_server_and_database(
    capsys: pytest.CaptureFixture[str], pg_board_url: str
) -> None:
    result = kanban(capsys, "db", "password", "--stdin", "--db", pg_board_url, stdin=SECRET + "\n")
    database = make_url(pg_board_url).database
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        f"Stored the password of postgres@127.0.0.1/{database} in the OS keyring."
    )
    assert SECRET not in result.out + result.err
    # Every client of this machine opening the URL without a password now uses it.
    engine = db.open_database(pg_board_url)
    assert engine.url.password == SECRET
    engine.dispose()
    listed = kanban(capsys, "list", "--db", pg_board_url)
    assert listed.code == 0, listed.err


def test_forget_removes_it(capsys: pytest.CaptureFixture[str], pg_board_url: str) -> None:
    connect.store_password(pg_board_url, SECRET)
    result = kanban(capsys, "db", "password", "--forget", "--db", pg_board_url)
    assert result.code == 0 and "Removed the password of postgres@127.0.0.1/" in result.out
    assert db.make_engine(pg_board_url).url.password is None
    again = kanban(capsys, "db", "password", "--forget", "--db", pg_board_url)
    assert "held no password" in again.out


def test_an_empty_password_stores_nothing(
    capsys: pytest.CaptureFixture[str], pg_board_url: str
) -> None:
    result = kanban(capsys, "db", "password", "--stdin", "--db", pg_board_url, stdin="\n")
    assert result.code == 1
    assert result.err.strip() == "kanban: error: No password given; nothing was stored."
    assert db.make_engine(pg_board_url).url.password is None


def test_a_sqlite_board_has_no_password(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    board = tmp_path / "board.db"
    result = kanban(capsys, "db", "password", "--stdin", "--db", str(board), stdin="x\n")
    assert result.code == 1
    assert f"The board is the SQLite file {board}, which has no password" in result.err


def test_a_url_holding_a_password_is_told_to_drop_it_and_never_echoed(
    capsys: pytest.CaptureFixture[str], pg_board_url: str
) -> None:
    url = make_url(pg_board_url).set(password="old-" + SECRET)
    result = kanban(
        capsys,
        "db",
        "password",
        "--stdin",
        "--db",
        url.render_as_string(hide_password=False),
        stdin=SECRET + "\n",
    )
    assert result.code == 0, result.err
    assert "still holds a password, which wins over the keyring" in result.out
    assert SECRET not in result.out + result.err and "***" in result.out


def test_no_command_output_or_log_line_holds_the_password_of_the_url(
    capsys: pytest.CaptureFixture[str], pg_url: str
) -> None:
    # A new database (so the schema is created and logged), then an unknown one.
    url = make_url(pg_url).set(password=SECRET)
    plain = url.render_as_string(hide_password=False)
    outputs = [
        kanban(capsys, "add", "Renew wildcard certificate", "--db", plain),
        kanban(capsys, "list", "--db", plain),
        kanban(capsys, "columns", "--db", plain),
        kanban(capsys, "db", "--db", plain),
    ]
    gone = url.set(database="kanban_no_such_board").render_as_string(hide_password=False)
    refused = kanban(capsys, "list", "--db", gone)
    assert [r.code for r in outputs] == [0, 0, 0, 2]
    assert refused.code == 1 and "kanban_no_such_board" in refused.err
    assert "***" in refused.err and len(refused.err.strip().splitlines()) == 1
    for result in [*outputs, refused]:
        assert SECRET not in result.out + result.err
    assert SECRET not in log_file().read_text(encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pty prompt on Linux")
def test_the_prompt_does_not_echo_what_is_typed(pg_board_url: str) -> None:
    # The child finds the tests' in-memory keyring; it never touches the OS keyring.
    path = os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    argv = [sys.executable, "-m", "kanban", "db", "password", "--db", pg_board_url]
    pid, fd = pty.fork()
    if pid == 0:  # the child: kanban on a terminal of its own
        os.execve(sys.executable, argv, env)
    seen = b""
    try:
        while b"Password of" not in seen:
            chunk = os.read(fd, 1024)
            if not chunk:
                break
            seen += chunk
        os.write(fd, SECRET.encode() + b"\n")
        while True:
            try:
                chunk = os.read(fd, 1024)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = seen.decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, text
    assert "Password of postgres@127.0.0.1/" in text and "Stored the password of" in text
    assert SECRET not in text
