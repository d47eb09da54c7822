"""The pure decision function: one test per row of the decision table, plus properties."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kanban.sync.engine import (
    BaseItem,
    Decision,
    LocalItem,
    Pair,
    Prefer,
    RemoteItem,
    decide,
    merge_field,
    normalize,
    plan,
    summarize,
)
from kanban.sync.graph import find_path

BASE = {
    "title": "Patch web01",
    "description": "",
    "column": 2,
    "assignee": "bob",
    "labels": ["linux"],
    "flagged": False,
    "project": "OPS",
}


def pair(local: dict | None = None, remote: dict | None = None, **kw: object) -> Pair:
    base = kw.pop("base", BaseItem("c1", "OPS-1", BASE, 3))
    return Pair(
        base,  # type: ignore[arg-type]
        LocalItem("c1", 3, {**BASE, **(local or {})}) if local is not None else None,
        RemoteItem("OPS-1", {**BASE, **(remote or {})}) if remote is not None else None,
        **kw,  # type: ignore[arg-type]
    )


def test_neither_changed_does_nothing() -> None:
    assert decide(pair({}, {})).decision is Decision.NONE


def test_only_the_card_changed_pushes() -> None:
    action = decide(pair({"column": 3}, {}))
    assert action.decision is Decision.PUSH
    assert action.push == {"column": 3} and action.pull == {}


def test_only_the_issue_changed_pulls() -> None:
    action = decide(pair({}, {"title": "Patch web01 tonight"}))
    assert action.decision is Decision.PULL
    assert action.pull == {"title": "Patch web01 tonight"}
    assert action.base["title"] == "Patch web01 tonight"


def test_both_changed_different_fields_merge() -> None:
    action = decide(pair({"labels": ["linux", "urgent"]}, {"column": 4}))
    assert action.decision is Decision.MERGE
    assert action.push == {"labels": ["linux", "urgent"]} and action.pull == {"column": 4}


def test_both_changed_the_same_field_equally_records_only() -> None:
    action = decide(pair({"title": "New"}, {"title": "New"}))
    assert action.decision is Decision.RECORD
    assert action.base["title"] == "New"


def test_both_changed_the_same_field_differently_is_a_conflict() -> None:
    action = decide(pair({"title": "Mine"}, {"title": "Theirs"}))
    assert action.decision is Decision.CONFLICT
    assert action.conflicts == {"title": ("Mine", "Theirs")}
    assert action.base["title"] == "Patch web01"  # the base stays until the user picks


def test_no_state_row_and_equal_values_records_only() -> None:
    action = decide(pair({}, {}, base=BaseItem("c1", "OPS-1", {})))
    assert action.decision is Decision.RECORD


def test_no_state_row_and_different_values_conflict_unless_one_side_is_preferred() -> None:
    assert decide(pair({"title": "A"}, {}, base=BaseItem("c1", "OPS-1", {}))).decision is (
        Decision.CONFLICT
    )
    stamped = BaseItem("c1", "OPS-1", {}, prefer=Prefer.LOCAL)
    assert decide(pair({"column": 3}, {}, base=stamped)).push == {"column": 3}


def test_new_issue_creates_a_card() -> None:
    action = decide(Pair(None, None, RemoteItem("OPS-9", BASE)))
    assert action.decision is Decision.CREATE_CARD


def test_new_card_creates_an_issue_only_when_allowed() -> None:
    local = LocalItem("c9", 1, BASE)
    assert decide(Pair(None, local, None)).decision is Decision.NONE
    action = decide(Pair(None, local, None, may_create_issue=True))
    assert action.decision is Decision.CREATE_ISSUE


def test_issue_gone_and_card_unchanged_archives() -> None:
    assert decide(pair({}, None, remote_gone=True)).decision is Decision.ARCHIVE_CARD


def test_issue_gone_but_card_edited_keeps_the_card() -> None:
    assert decide(pair({"title": "Edited"}, None, remote_gone=True)).decision is Decision.KEEP_CARD


def test_issue_not_seen_but_not_confirmed_gone_does_nothing() -> None:
    assert decide(pair({}, None)).decision is Decision.NONE


def test_archived_card_comes_back_when_jira_changes_the_issue() -> None:
    archived = LocalItem("c1", 4, BASE, archived=True)
    base = BaseItem("c1", "OPS-1", BASE)
    same = decide(Pair(base, archived, RemoteItem("OPS-1", BASE)))
    assert same.decision is Decision.NONE
    moved = decide(Pair(base, archived, RemoteItem("OPS-1", {**BASE, "column": 1})))
    assert moved.decision is Decision.RESTORE_CARD and moved.pull == {"column": 1}


def test_state_row_only_does_nothing() -> None:
    assert decide(Pair(BaseItem("c1", "OPS-1", BASE), None, None)).decision is Decision.NONE


def test_pull_only_field_is_never_pushed() -> None:
    assert decide(pair({"project": "LOCAL"}, {})).decision is Decision.NONE
    assert decide(pair({"project": "LOCAL"}, {"project": "EPIC-1"})).pull == {"project": "EPIC-1"}


def test_noise_is_not_a_change() -> None:
    action = decide(pair({"labels": ["linux", "kanban-card-x"]}, {"description": "\r\n"}))
    assert action.decision is Decision.NONE


def test_plan_and_summary() -> None:
    actions = plan([pair({}, {}), pair({"column": 3}, {}), pair({"title": "a"}, {"title": "b"})])
    assert summarize(actions) == {"push": 1, "conflict": 1}


def test_find_path_takes_the_shortest_route() -> None:
    edges = {"B": ["S"], "S": ["P", "B"], "P": ["R"], "R": ["D", "P"], "D": ["B"]}
    assert find_path("B", {"R"}, edges) == ["S", "P", "R"]
    assert find_path("B", {"B"}, edges) == []
    assert find_path("B", {"X"}, edges) is None


values = st.sampled_from(["a", "b", "c"])


@given(base=values, local=values, remote=values)
def test_merge_never_drops_a_change(base: str, local: str, remote: str) -> None:
    outcome = merge_field(base, local, remote)
    if local == remote:
        assert outcome == "same"
    elif local != base and remote != base:
        assert outcome == "conflict"  # both changed differently: the user decides
    elif local != base:
        assert outcome == "push"
    else:
        assert outcome == "pull"


field_values = st.fixed_dictionaries(
    {"title": values, "column": st.sampled_from([1, 2, 3]), "labels": st.lists(values)}
)


@given(base=field_values, local=field_values, remote=field_values)
def test_after_applying_a_plan_both_sides_agree_except_conflicts(
    base: dict, local: dict, remote: dict
) -> None:
    action = decide(
        Pair(BaseItem("c", "K", base), LocalItem("c", 1, local), RemoteItem("K", remote))
    )
    new_local = {**local, **action.pull}
    new_remote = {**remote, **action.push}
    for name in local:
        if name not in action.conflicts:
            assert normalize(name, new_local[name]) == normalize(name, new_remote[name])
    # Applying it again is a no-op: the new base matches both sides.
    again = decide(
        Pair(
            BaseItem("c", "K", action.base),
            LocalItem("c", 2, new_local),
            RemoteItem("K", new_remote),
        )
    )
    assert again.push == {} and again.pull == {}
