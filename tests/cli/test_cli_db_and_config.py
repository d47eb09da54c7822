"""A bad --db option or config file is a one-line error, never the personal board."""

from __future__ import annotations

from pathlib import Path

import pytest

from kanban.cli.main import EXIT_USER_ERROR, run


def test_a_database_url_without_its_driver_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # MySQLdb is never installed here (the postgres extra may bring a PostgreSQL driver).
    code = run(["list", "--db", "mysql+mysqldb://kanban:secret@127.0.0.1:1/board"])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "unexpected" not in err
    assert "driver" in err and "secret" not in err


def test_a_url_of_an_unknown_database_kind_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = run(["list", "--db", "nosuchdb://host/board"])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "unexpected" not in err and "--db" in err


def test_a_config_file_with_a_non_text_database_url_is_a_one_line_error(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated_dirs / "config" / "config.toml").write_text("database_url = 5\n", encoding="utf-8")
    code = run(["list"])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "config.toml" in err and "unexpected" not in err


def test_an_empty_db_option_does_not_fall_back_to_the_personal_board(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A script's unset variable (--db "$BOARD") must not write into the default board.
    code = run(["add", "Patch DC01", "--db", ""])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "--db" in err
    assert not (isolated_dirs / "data" / "board.db").exists()


def test_an_unreadable_config_file_is_a_one_line_error(
    isolated_dirs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (isolated_dirs / "config" / "config.toml").mkdir()
    code = run(["list"])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR, err
    assert "config.toml" in err and "unexpected" not in err
