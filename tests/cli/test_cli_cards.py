"""The card commands end to end: real SQLite file, the real parser and service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

Kanban = Callable[..., Any]

CARD_KEYS = {
    "id",
    "short_id",
    "title",
    "jira_key",
    "column",
    "column_id",
    "person",
    "person_id",
    "position",
    "not_ready",
    "not_ready_reason",
    "size_days",
    "labels",
    "project",
    "due_date",
    "revision",
    "archived",
}

SUBCOMMANDS = [
    ["add"],
    ["edit"],
    ["list"],
    ["show"],
    ["move"],
    ["assign"],
    ["block"],
    ["unblock"],
    ["archive"],
    ["restore"],
    ["history"],
    ["undo"],
    ["redo"],
    ["people"],
    ["people", "add"],
    ["people", "edit"],
    ["columns"],
    ["columns", "add"],
    ["columns", "edit"],
    ["columns", "remove"],
    ["rules"],
    ["rules", "set"],
    ["rules", "max-days"],
    ["export"],
    ["import"],
    ["demo"],
]


@pytest.fixture
def team(kanban: Kanban) -> Kanban:
    """A board with two people (Anna has a personal WIP limit of 1)."""
    assert kanban("people", "add", "Anna Kowalski", "--wip-limit", "1").code == 0
    assert kanban("people", "add", "Ben Okafor", "--email", "ben@example.com").code == 0
    return kanban


def add(kanban: Kanban, *args: str) -> dict:
    result = kanban("add", *args, "--json")
    assert result.code == 0, result.err
    return result.json()


@pytest.mark.parametrize("words", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(kanban: Kanban, words: list[str]) -> None:
    result = kanban(*words, "--help")
    assert result.code == 0
    assert "usage: kanban " + " ".join(words) in result.out
    assert "--db" in result.out


def test_add_then_list_json_carries_names_and_key(team: Kanban) -> None:
    card = add(
        team,
        "Renew wildcard certificate",
        "--jira",
        "ops-12",
        "--label",
        "tls,linux",
        "--project",
        "Certificates",
        "--size",
        "0.5",
        "--due",
        "2026-03-31",
        "--column",
        "In progress",
        "--person",
        "Ben",
    )
    assert card["jira_key"] == "OPS-12"
    assert card["column"] == "In progress"
    assert card["person"] == "Ben Okafor"

    listed = team("list", "--json").json()
    assert len(listed) == 1
    assert CARD_KEYS <= set(listed[0])
    assert listed[0]["labels"] == ["tls", "linux"]
    assert listed[0]["due_date"] == "2026-03-31"
    assert listed[0]["size_days"] == 0.5
    assert listed[0]["revision"] == 1


def test_list_shows_pool_not_ready_and_lanes(team: Kanban) -> None:
    add(team, "Patch web servers")
    add(team, "Expand SAN LUN", "--not-ready", "waiting for the disk shelf")
    add(team, "Fix DNS forwarders", "--column", "In progress", "--person", "Anna")
    out = team("list").out
    pool, rest = out.split("NOT READY (1)")
    assert "TASK POOL (1)" in pool and "Patch web servers" in pool
    waiting, lanes = rest.split("Anna Kowalski")
    assert "Expand SAN LUN" in waiting and "waiting for the disk shelf" in waiting
    assert "(WIP 1/1)" in lanes and "Fix DNS forwarders" in lanes
    # Filters narrow the same view.
    only = team("list", "--person", "Anna", "--json").json()
    assert [c["title"] for c in only] == ["Fix DNS forwarders"]
    assert [c["title"] for c in team("list", "SAN", "--json").json()] == ["Expand SAN LUN"]


def test_cards_are_found_by_id_prefix_and_jira_key(kanban: Kanban) -> None:
    card = add(kanban, "Rotate SSH host keys", "--jira", "OPS-7")
    by_prefix = kanban("show", card["short_id"], "--json").json()
    by_key = kanban("show", "ops-7", "--json").json()
    assert by_prefix["id"] == by_key["id"] == card["id"]
    assert [e["kind"] for e in by_key["history"]] == ["created"]
    human = kanban("show", "OPS-7").out
    assert "Rotate SSH host keys" in human and "created in Task pool" in human


def test_move_warned_rule_needs_reason(team: Kanban, board_state) -> None:  # type: ignore[no-untyped-def]
    add(team, "First", "--column", "In progress", "--person", "Anna")
    second = add(team, "Second", "--jira", "OPS-2")
    before = board_state()

    refused = team("move", "OPS-2", "In progress", "--person", "Anna")
    assert refused.code == 1
    assert refused.err.count("\n") == 1  # one line, no traceback
    assert "over their limit of 1" in refused.err and "--reason" in refused.err
    assert board_state() == before

    done = team("move", "OPS-2", "In progress", "--person", "Anna", "--reason", "P1 outage")
    assert done.code == 0, done.err
    assert "overridden" in done.out
    history = team("history", second["id"], "--json").json()
    assert history[-1]["reason"] == "P1 outage"
    assert history[-1]["rules"] == ["wip_limits"]
    # Anna is now over her limit; moving her own card on to Review adds no WIP.
    onward = team("move", "OPS-2", "Review")
    assert onward.code == 0, onward.err
    assert "overridden" not in onward.out


def test_move_enforced_rule_refuses_even_with_reason(team: Kanban, board_state) -> None:  # type: ignore[no-untyped-def]
    add(team, "Patch DCs", "--jira", "OPS-3", "--column", "Review", "--person", "Ben")
    assert team("rules", "set", "right-only", "enforce").code == 0
    before = board_state()
    refused = team("move", "OPS-3", "In progress", "--reason", "please")
    assert refused.code == 1
    assert "enforces" in refused.err
    assert board_state() == before


def test_move_to_position_and_pool_clears_person(team: Kanban) -> None:
    a = add(team, "A", "--column", "Review", "--person", "Ben")
    b = add(team, "B", "--column", "Review", "--person", "Ben")
    moved = team("move", b["id"], "Review", "--position", "0", "--json").json()
    assert moved["position"] == 0
    assert team("show", a["id"], "--json").json()["position"] == 1
    # Back to the pool is a move to the left: warned, so it needs a reason.
    back = team("move", a["id"], "pool", "--reason", "not started after all", "--json").json()
    assert back["column"] == "Task pool" and back["person"] is None


def test_assign_block_unblock_archive_restore(team: Kanban) -> None:
    card = add(team, "Test restore of ERP backup", "--jira", "OPS-9")
    assigned = team("assign", "OPS-9", "Ben", "--json").json()
    assert (assigned["column"], assigned["person"]) == ("Task pool", None)
    assert assigned["owner"] == "Ben Okafor"  # his pool card
    assert team("list", "--person", "Ben", "--json").json()[0]["id"] == card["id"]

    blocked = team("block", "OPS-9", "waiting", "for", "the", "vendor", "--json").json()
    assert blocked["not_ready"] and blocked["not_ready_reason"] == "waiting for the vendor"
    assert team("unblock", "OPS-9", "--json").json()["not_ready"] is False
    again = team("unblock", "OPS-9")
    assert again.code == 1 and "not marked not ready" in again.err

    assert team("archive", "OPS-9").code == 0
    assert team("list", "--json").json() == []
    assert [c["id"] for c in team("list", "--archived", "--json").json()] == [card["id"]]
    assert team("restore", "OPS-9", "--json").json()["archived"] is False

    unassigned = team("assign", "OPS-9", "--none", "--json").json()
    assert unassigned["person"] is None and unassigned["owner"] is None
    kinds = [e["kind"] for e in team("history", "OPS-9", "--json").json()]
    assert kinds == [
        "created",
        "assigned",
        "blocked",
        "unblocked",
        "archived",
        "restored",
        "assigned",
    ]


def test_edit_changes_and_clears_fields(kanban: Kanban) -> None:
    card = add(kanban, "Renew cert", "--jira", "OPS-4", "--due", "2026-01-31", "--project", "X")
    edited = kanban(
        "edit", card["id"], "--title", "Renew IIS cert", "--labels", "tls, windows", "--json"
    ).json()
    assert edited["title"] == "Renew IIS cert"
    assert edited["labels"] == ["tls", "windows"]
    assert edited["revision"] == 2
    cleared = kanban("edit", card["id"], "--jira", "", "--due", "", "--project", "", "--json")
    data = cleared.json()
    assert (data["jira_key"], data["due_date"], data["project"]) == (None, None, None)
    nothing = kanban("edit", card["id"])
    assert nothing.code == 1 and "Nothing to change" in nothing.err


def test_edit_with_stale_revision_is_a_conflict(kanban: Kanban, board_state) -> None:  # type: ignore[no-untyped-def]
    card = add(kanban, "Clean up snapshots")
    assert kanban("edit", card["id"], "--size", "0.5").code == 0
    before = board_state()
    stale = kanban("edit", card["id"], "--title", "Mine", "--expect-revision", "1")
    assert stale.code == 1
    assert "changed by someone else" in stale.err
    assert board_state() == before


def test_undo_and_redo(kanban: Kanban) -> None:
    card = add(kanban, "Patch hosts")
    assert kanban("move", card["id"], "In progress").code == 0
    undone = kanban("undo")
    assert undone.code == 0 and "Patch hosts" in undone.out
    assert kanban("show", card["id"], "--json").json()["column"] == "Task pool"
    assert kanban("redo").code == 0
    assert kanban("show", card["id"], "--json").json()["column"] == "In progress"
    assert kanban("redo").code == 1


def test_history_lists_every_card_with_summaries(team: Kanban) -> None:
    card = add(team, "Add DNS records", "--jira", "OPS-5")
    team("move", "OPS-5", "In progress", "--person", "Ben")
    events = team("history", "--json").json()
    assert [e["kind"] for e in events] == ["created", "moved"]
    moved = events[1]
    assert moved["card_id"] == card["id"] and moved["card_title"] == "Add DNS records"
    assert moved["before"]["column_id"] != moved["after"]["column_id"]
    assert moved["summary"] == (
        "column: Task pool → In progress; person: pool (nobody) → Ben Okafor"
    )
    assert {"change_id", "actor", "at", "source", "reason"} <= set(moved)
    assert moved["actor"] == "tester"
    human = team("history", "--limit", "1").out
    assert "Task pool → In progress" in human and "created in" not in human


def test_history_words_changes_as_the_card_editor_does(team: Kanban) -> None:
    add(team, "Replace PSU", "--jira", "OPS-6", "--size", "1")
    team("block", "OPS-6", "waiting for parts")
    team("edit", "OPS-6", "--size", "2")
    created, blocked, edited = (e["summary"] for e in team("history", "OPS-6", "--json").json())
    assert created == "created in Task pool"
    assert blocked == "not-ready reason: — → 'waiting for parts'"
    assert edited == "size: 1 day → 2 days"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", ""], "needs a title"),
        (["add", "   "], "needs a title"),
        (["add", "x" * 10_000], "10,000 characters"),
        (["add", "Patch", "--person", "Nobody", "--column", "In progress"], "No person 'Nobody'"),
        (["add", "Patch", "--column", "Backlog"], "No column 'Backlog'"),
        (["add", "Patch", "--size", "0"], "out of range"),
        (["add", "Patch", "--jira", "not a key"], "not a JIRA key"),
        (["add", "Patch", "--due", "31/12/2026"], "not a date"),
        (["add", "Big job", "--size", "5"], "override reason"),
        (["move", "nope", "Done"], "No card 'nope'"),
        (["show", "OPS-404"], "No card 'OPS-404'"),
        (["redo"], "Nothing to redo"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    team: Kanban,
    board_state,  # type: ignore[no-untyped-def]
    args: list[str],
    message: str,
) -> None:
    add(team, "Existing card", "--jira", "OPS-1")
    before = board_state()
    result = team(*args)
    assert result.code == 1
    assert result.err.startswith("kanban: error: ")
    assert result.err.count("\n") == 1
    assert message in result.err
    assert "Traceback" not in result.err
    assert board_state() == before


def test_duplicate_jira_key_is_refused(kanban: Kanban) -> None:
    add(kanban, "One", "--jira", "OPS-1")
    result = kanban("add", "Two", "--jira", "ops-1")
    assert result.code == 1 and "already on card 'One'" in result.err


def test_db_option_before_the_command(kanban: Kanban, db_path: Path) -> None:
    add(kanban, "Somewhere specific")
    from kanban.cli.main import run

    assert run(["--db", str(db_path), "list", "--json"]) == 0


def test_real_process_lists_cards(kanban: Kanban, db_path: Path) -> None:
    add(kanban, "Renew Let's Encrypt certificate", "--jira", "OPS-42")
    env = dict(os.environ)
    proc = subprocess.run(
        [sys.executable, "-m", "kanban", "list", "--db", str(db_path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    cards = json.loads(proc.stdout)
    assert [(c["title"], c["jira_key"]) for c in cards] == [
        ("Renew Let's Encrypt certificate", "OPS-42")
    ]
    human = subprocess.run(
        [sys.executable, "-m", "kanban", "list", "--db", str(db_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert human.returncode == 0 and "TASK POOL (1)" in human.stdout


def test_table_cells_are_cut_by_display_width() -> None:
    from kanban.cli.output import _fit, _width

    assert _fit("Patch web01", 8) == "Patch w…"
    assert _fit("abc", 5) == "abc  "
    cut = _fit("サーバー更新を行う", 9)  # wide characters take two columns each
    assert cut.startswith("サーバー") and "…" in cut and _width(cut) == 9


def test_restore_over_a_warned_limit_goes_to_the_pool_unless_a_reason_is_given(
    capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    from kanban.cli.main import run

    def kanban(*args: str) -> tuple[int, str]:
        code = run([*args, "--db", db_url])
        out, err = capsys.readouterr()
        return code, out + err

    kanban("people", "add", "Bob")
    kanban("add", "First", "--jira", "OPS-1", "--column", "Review", "--person", "Bob")
    kanban("add", "Third", "--jira", "OPS-3", "--column", "Review", "--person", "Bob")
    kanban("archive", "OPS-1")
    kanban("archive", "OPS-3")
    kanban("columns", "edit", "Review", "--wip-max", "1")
    kanban("add", "Second", "--jira", "OPS-2", "--column", "Review", "--person", "Bob")
    code, text = kanban("restore", "OPS-1")
    assert code == 0 and "task pool" in text and "over its limit of 1" in text
    assert "Task pool" in kanban("show", "OPS-1")[1]
    code, text = kanban("restore", "OPS-3", "--reason", "both tiny")
    assert code == 0 and "Restored" in text
    assert "Review" in kanban("show", "OPS-3")[1]


def test_undo_names_the_change_before_it_acts(kanban: Kanban) -> None:
    card = add(kanban, "Patch hosts", "--jira", "OPS-12")
    assert kanban("move", "OPS-12", "In progress").code == 0
    undone = kanban("undo")
    assert undone.code == 0
    first = undone.out.splitlines()[0]
    assert first == "Undo: moved OPS-12 to In progress, just now."
    assert kanban("show", card["id"], "--json").json()["column"] == "Task pool"


def test_undo_of_a_change_over_an_hour_old_needs_yes(
    kanban: Kanban, db_path: Path, board_state: Callable[[], str]
) -> None:
    from datetime import UTC, datetime, timedelta

    from kanban.services.board import BoardService

    card = add(kanban, "Patch hosts", "--jira", "OPS-12")
    service = BoardService.open(f"sqlite:///{db_path}", "tester")
    try:
        two_hours_ago = datetime.now(UTC) - timedelta(hours=2, minutes=1)
        service.move_card(card["id"], column="In progress", at=two_hours_ago)
    finally:
        service.close()
    before = board_state()
    refused = kanban("undo")
    assert refused.code == 1
    assert "Undo: moved OPS-12 to In progress, 2 h ago?" in refused.err
    assert "kanban undo --yes" in refused.err
    assert board_state() == before
    assert kanban("undo", "--yes").code == 0
    assert kanban("show", card["id"], "--json").json()["column"] == "Task pool"
