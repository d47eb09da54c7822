"""`kanban comment`, `kanban comments` and `kanban check` from the terminal."""

from __future__ import annotations

from tests.cli.conftest import Kanban


def test_comment_list_edit_and_delete_from_the_terminal(kanban: Kanban) -> None:
    assert kanban("add", "Patch web01", "--jira", "OPS-1").code == 0
    assert kanban("comment", "OPS-1", "Rebooted", "web01").out.strip() == "Added comment #1."
    assert kanban("comment", "OPS-1", "--edit", "1", "Rebooted web01 twice").code == 0

    listed = kanban("comments", "OPS-1")
    assert "tester (edited, not yet in JIRA)" in listed.out
    assert "    Rebooted web01 twice" in listed.out
    assert kanban("comments", "OPS-1", "--json").json()[0]["text"] == "Rebooted web01 twice"

    assert kanban("comment", "OPS-1", "--delete", "1").out.strip() == "Deleted comment #1."
    assert "No comments on OPS-1 yet" in kanban("comments", "OPS-1").out
    history = kanban("history", "OPS-1").out
    assert "commented" in history and "comment_deleted" in history


def test_an_empty_comment_says_how_to_give_one(kanban: Kanban) -> None:
    kanban("add", "Patch web01", "--jira", "OPS-1")
    result = kanban("comment", "OPS-1")
    assert result.code == 1
    assert 'kanban comment KEY "text"' in result.err


def test_check_add_done_undo_remove_and_list(kanban: Kanban) -> None:
    kanban("add", "Renew certificate", "--jira", "OPS-2")
    assert kanban("check", "OPS-2", "add", "order", "certificate").code == 0
    kanban("check", "OPS-2", "add", "install on web01")
    assert kanban("check", "OPS-2", "done", "order").out.startswith("Ticked item 1")
    kanban("check", "OPS-2", "add", "check expiry", "--at", "1")

    listed = kanban("check", "OPS-2").out
    assert listed.splitlines()[2:5] == [
        "1  [ ]   check expiry",
        "2  [x]   order certificate",
        "3  [ ]   install on web01",
    ]
    assert "☑ 1/3 done" in listed
    assert kanban("check", "OPS-2", "undo", "2").out.startswith("Unticked item 2")
    assert kanban("check", "OPS-2", "move", "3", "1").code == 0
    assert kanban("check", "OPS-2", "remove", "check expiry").code == 0
    data = kanban("check", "OPS-2", "--json").json()
    assert [(i["number"], i["text"], i["done"]) for i in data] == [
        (1, "install on web01", False),
        (2, "order certificate", False),
    ]
    missing = kanban("check", "OPS-2", "done", "7")
    assert missing.code == 1 and "there is no number 7" in missing.err
