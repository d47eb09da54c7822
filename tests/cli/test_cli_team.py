"""People, columns and rules commands on a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Kanban = Callable[..., Any]


def test_people_add_edit_list(kanban: Kanban) -> None:
    added = kanban(
        "people",
        "add",
        "Elena García",
        "--jira-user",
        "egarcia",
        "--email",
        "elena@example.com",
        "--colour",
        "#B07AA1",
        "--wip-limit",
        "3",
        "--json",
    ).json()
    assert added["name"] == "Elena García" and added["wip_limit"] == 3
    assert added["colour"] == "#b07aa1"
    kanban("people", "add", "Farid Haddad")
    edited = kanban(
        "people", "edit", "egarcia", "--wip-limit", "none", "--inactive", "--json"
    ).json()
    assert edited["wip_limit"] is None and edited["active"] is False

    listed = kanban("people", "--json").json()
    assert [p["name"] for p in listed] == ["Elena García", "Farid Haddad"]
    assert {"id", "name", "jira_user", "email", "colour", "wip_limit", "wip", "active"} <= set(
        listed[0]
    )
    assert kanban("people", "list", "--json").json() == listed
    human = kanban("people").out
    assert "Elena García" in human and "egarcia" in human


def test_people_errors(kanban: Kanban) -> None:
    kanban("people", "add", "Ben")
    duplicate = kanban("people", "add", "ben")
    assert duplicate.code == 1 and "already a person named" in duplicate.err
    colour = kanban("people", "add", "Zoe", "--colour", "red")
    assert colour.code == 1 and "not a colour" in colour.err
    unknown = kanban("people", "edit", "Nobody", "--name", "X")
    assert unknown.code == 1 and "No person 'Nobody'" in unknown.err
    bad_limit = kanban("people", "add", "Yan", "--wip-limit", "lots")
    assert bad_limit.code == 2 and "not a whole number" in bad_limit.err


def test_columns_add_edit_remove(kanban: Kanban) -> None:
    added = kanban(
        "columns",
        "add",
        "Waiting for change",
        "--position",
        "2",
        "--wip-max",
        "4",
        "--jira-status",
        "Awaiting CAB",
        "--json",
    ).json()
    assert added["order"] == 2 and added["wip_max"] == 4
    assert added["jira_statuses"] == ["Awaiting CAB"]
    names = [c["name"] for c in kanban("columns", "--json").json()]
    assert names == ["Task pool", "In progress", "Waiting for change", "Review", "Done"]

    edited = kanban(
        "columns", "edit", "Waiting for change", "--name", "CAB", "--wip-max", "none", "--json"
    ).json()
    assert edited["name"] == "CAB" and edited["wip_max"] is None

    kanban("add", "Patch", "--column", "CAB")
    busy = kanban("columns", "remove", "CAB")
    assert busy.code == 1 and "still holds cards" in busy.err
    pool = kanban("columns", "remove", "Task pool")
    assert pool.code == 1 and "cannot be removed" in pool.err

    kanban("columns", "add", "Spare")
    assert kanban("columns", "remove", "Spare").code == 0
    listed = kanban("columns", "list", "--json").json()
    assert "Spare" not in [c["name"] for c in listed]
    assert next(c for c in listed if c["name"] == "CAB")["cards"] == 1
    assert "WIP MAX" in kanban("columns").out


def test_a_new_active_column_goes_before_done_unless_placed(kanban: Kanban) -> None:
    assert kanban("columns", "add", "Testing").code == 0
    assert kanban("columns", "add", "Archive", "--kind", "done").code == 0
    assert kanban("columns", "add", "Staging").code == 0
    assert kanban("columns", "add", "Afterwards", "--position", "9").code == 0
    names = [c["name"] for c in kanban("columns", "--json").json()]
    assert names == [
        "Task pool",
        "In progress",
        "Review",
        "Testing",
        "Staging",
        "Done",
        "Archive",
        "Afterwards",
    ]


def test_rules_show_set_and_max_days(kanban: Kanban) -> None:
    shown = kanban("rules", "--json").json()
    assert shown["modes"] == {
        "move_right_only": "warn",
        "wip_limits": "warn",
        "card_size": "warn",
    }
    assert kanban("rules", "set", "wip", "enforce").code == 0
    assert kanban("rules", "set", "move_right_only", "off").code == 0
    changed = kanban("rules", "max-days", "1.5", "--json").json()
    assert changed["modes"]["wip_limits"] == "enforce"
    assert changed["modes"]["move_right_only"] == "off"
    assert changed["max_card_days"] == 1.5
    assert "1.5 days" in kanban("rules", "show").out
    bad = kanban("rules", "set", "colour", "warn")
    assert bad.code == 1 and "Unknown rule 'colour'" in bad.err
    bad_mode = kanban("rules", "set", "wip", "sometimes")
    assert bad_mode.code == 2


def test_columns_show_whether_work_waits_there(kanban) -> None:
    assert kanban("columns", "edit", "Review", "--waiting").code == 0
    listed = {c["name"]: c["waiting"] for c in kanban("columns", "--json").json()}
    assert listed["Review"] is True and listed["In progress"] is False
    text = kanban("columns").out
    assert "WAITING" in text.splitlines()[0]
    review = next(line for line in text.splitlines() if "Review" in line)
    assert "yes" in review
    assert "yes" not in next(line for line in text.splitlines() if "In progress" in line)
