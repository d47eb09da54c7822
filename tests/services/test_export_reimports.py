"""What the app accepts, its own export imports again (issue #15, defect 1).

Every way in checks the limits of ``kanban.domain.limits``; a value over one
is refused where it is typed, so no board can hold what its export cannot
bring back.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban.domain import limits
from kanban.errors import InvalidInput
from kanban.services import transfer
from kanban.services.board import BoardService


def open_board(path: Path, actor: str = "tester") -> BoardService:
    return BoardService.open(f"sqlite:///{path}", actor)


def reimports_identically(service: BoardService, target: Path) -> None:
    text = transfer.export_json(service)
    copy = open_board(target)
    try:
        transfer.import_board(copy, json.loads(text))
        assert transfer.export_json(copy) == text
    finally:
        copy.close()


OVER: list[tuple[str, Callable[[BoardService], object]]] = [
    ("project", lambda s: s.add_card("x", project="p" * (limits.PROJECT_MAX + 1))),
    ("JIRA key", lambda s: s.add_card("x", jira_key="A" * 50 + "-1")),
    ("JIRA user", lambda s: s.add_person("Ann", jira_user="u" * (limits.JIRA_USER_MAX + 1))),
    ("e-mail", lambda s: s.add_person("Ann", email="e" * (limits.EMAIL_MAX + 1))),
    ("board name", lambda s: s.set_board(name="b" * (limits.BOARD_NAME_MAX + 1))),
    ("WIP limit", lambda s: s.add_person("Ann", wip_limit=limits.WIP_LIMIT_MAX + 1)),
]


@pytest.mark.parametrize(("what", "change"), OVER, ids=[w for w, _ in OVER])
def test_a_value_over_a_limit_is_refused_where_it_is_typed(
    tmp_path: Path, what: str, change: Callable[[BoardService], object]
) -> None:
    service = open_board(tmp_path / "board.db")
    with pytest.raises(InvalidInput):
        change(service)
    reimports_identically(service, tmp_path / "copy.db")


def test_a_person_edited_past_a_limit_is_refused(tmp_path: Path) -> None:
    service = open_board(tmp_path / "board.db")
    service.add_person("Ann")
    with pytest.raises(InvalidInput):
        service.update_person("Ann", jira_user="u" * (limits.JIRA_USER_MAX + 1))
    with pytest.raises(InvalidInput):
        service.update_person("Ann", email="e" * (limits.EMAIL_MAX + 1))
    with pytest.raises(InvalidInput):
        service.edit_card(service.add_card("x").card.id, project="p" * 201)


def test_an_actor_over_the_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="limit is 200"):
        open_board(tmp_path / "board.db", actor="a" * (limits.ACTOR_MAX + 1))


# Text as people type it: any character, including controls, other scripts,
# zero-width spaces and emoji; lengths up to a little past the limits.
def _text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(st.characters(codec="utf-8"), max_size=max_size)


_counter = itertools.count()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    title=_text(limits.TITLE_MAX + 5),
    description=_text(300),
    project=_text(limits.PROJECT_MAX + 5),
    labels=st.lists(_text(limits.LABEL_MAX + 2), max_size=4),
    key=st.from_regex(r"[A-Z][A-Z0-9_]{1,52}-[1-9][0-9]{0,3}", fullmatch=True),
    person=_text(limits.NAME_MAX + 5),
    jira_user=_text(limits.JIRA_USER_MAX + 5),
    email=_text(limits.EMAIL_MAX + 5),
    actor=_text(limits.ACTOR_MAX + 5),
    board_name=_text(limits.BOARD_NAME_MAX + 5),
    size=st.floats(allow_nan=True, allow_infinity=True),
    wip=st.integers(min_value=-5, max_value=limits.WIP_LIMIT_MAX + 5),
)
def test_any_board_the_app_builds_exports_and_reimports_identically(
    tmp_path: Path,
    title: str,
    description: str,
    project: str,
    labels: list[str],
    key: str,
    person: str,
    jira_user: str,
    email: str,
    actor: str,
    board_name: str,
    size: float,
    wip: int,
) -> None:
    n = next(_counter)
    try:
        service = open_board(tmp_path / f"b{n}.db", actor=actor)
    except InvalidInput:
        service = open_board(tmp_path / f"b{n}.db")

    def attempt(change: Callable[[], object]) -> None:
        try:
            change()
        except InvalidInput:
            pass

    attempt(lambda: service.set_board(name=board_name))
    attempt(lambda: service.add_person(person, jira_user=jira_user, email=email, wip_limit=wip))
    attempt(lambda: service.update_column("In progress", wip_max=wip))
    attempt(
        lambda: service.add_card(
            title,
            description=description,
            project=project,
            labels=labels,
            jira_key=key,
            size_days=size if 0.1 <= size <= 2 else 1.0,
        )
    )
    attempt(lambda: service.add_card("sized", size_days=size, override_reason="big"))
    cards = service.list_cards()
    if cards:
        attempt(lambda: service.block(cards[0].id, title))
    try:
        reimports_identically(service, tmp_path / f"c{n}.db")
    finally:
        service.close()
