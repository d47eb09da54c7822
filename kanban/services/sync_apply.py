"""Applying the board side of a sync plan, inside the page's unit of work.

The JIRA sync decides a page of issues first (``kanban.sync.engine.plan``),
then hands each decided pair here to write: what JIRA changed goes onto the
card, the pair's new base into ``sync_link``, conflicts into ``sync_item``.
New issues become cards in bulk, with their changelog as history. A change
made in JIRA is a fact to mirror, not a move a rule could refuse, so these
writes skip the team rules and are recorded with ``source=jira``.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kanban.domain.limits import ACTOR_MAX
from kanban.domain.model import Card, Column, EventKind, Person, Source
from kanban.domain.placement import placement_values
from kanban.domain.sync_states import ItemKind
from kanban.errors import UserError
from kanban.services.unit_of_work import UnitOfWork
from kanban.store import repo, sync_repo
from kanban.sync.engine import ALL_FIELDS, Action, Decision
from kanban.sync.mapping import IssueRecord, card_description, card_labels, card_title
from kanban.sync.replay import FLAG_REASON, NewCard


@dataclass(frozen=True, slots=True)
class Decided:
    """One issue of a page, matched with its card and link, and the plan's action for it."""

    issue: IssueRecord
    card: Card | None
    link: sync_repo.Link | None
    action: Action


@dataclass(frozen=True, slots=True)
class BoardFacts:
    """What applying needs of the board, read once per run."""

    columns: Sequence[Column]
    people_by_user: Mapping[str, Person]


# The key, in a link's info, of a move being pushed: {"to": column, "from": column}.
MOVING = "moving"
# The field of a queued item that says a card could not become an issue.
CREATE_ITEM = "create"


def _moving(link: sync_repo.Link | None) -> dict[str, Any]:
    return {MOVING: link.info[MOVING]} if link is not None and MOVING in link.info else {}


def move_in_progress(
    link: sync_repo.Link | None,
    local_column: int | None,
    remote_column: int | None,
    order: Mapping[int, int],
) -> bool:
    """Whether JIRA stands part-way along a move this board was pushing.

    True when the card still wants the noted target and the issue's column lies
    between where the move started and that target: that is progress of our
    own push (a run killed between steps, a step that timed out but went
    through), not a change made in JIRA, so the next run continues the path
    instead of reporting a conflict.
    """
    if link is None or MOVING not in link.info or remote_column is None:
        return False
    noted = link.info[MOVING]
    target, start = noted.get("to"), noted.get("from")
    if local_column != target or start is None or remote_column in (start, target):
        return False
    lo, hi = sorted((order.get(int(start), 0), order.get(int(target), 0)))
    return lo <= order.get(remote_column, -1) <= hi


def issue_info(rec: IssueRecord) -> dict[str, Any]:
    """What the board keeps of an issue beside the synced fields (for badges and paths)."""
    return {
        "status_id": rec.status_id,
        "status": rec.status_name,
        "priority": rec.priority,
        "issue_type": rec.issue_type,
        "project": rec.project_key,
    }


def apply_remote(
    uow: UnitOfWork, card: Card, values: dict[str, Any], kind: EventKind, at: datetime
) -> Card:
    """Write a change that already happened in JIRA, with its history event."""
    return uow.commit_change(card, values, kind, source=Source.JIRA, at=at).card


def apply_decided(uow: UnitOfWork, facts: BoardFacts, d: Decided) -> tuple[int, bool]:
    """Write what JIRA changed onto the card and save the pair's new base.

    Returns the card's revision after the writes (the push compares it) and
    whether the card was written. Raises UserError when the card changed since
    the page was read: it is synced next time.
    """
    action, rec, card, link = d.action, d.issue, d.card, d.link
    if card is None:
        raise UserError(f"{rec.key}: no card to apply the sync to.")
    conn = uow.conn
    fresh = repo.get_card(conn, card_id=card.id)
    if fresh is None or fresh.revision != card.revision:
        raise UserError(f"Card '{card.title}' changed while syncing; it is synced next time.")
    written = fresh
    if action.decision is Decision.NONE and link is not None and link.issue_key:
        if link.issue_updated != rec.updated or link.card_revision != fresh.revision:
            sync_repo.update_link(
                conn,
                card_id=card.id,
                values={"issue_updated": rec.updated, "card_revision": fresh.revision},
            )
        return fresh.revision, False
    if action.decision is Decision.RESTORE_CARD:
        written = apply_remote(
            uow,
            written,
            {"archived": False, "position": None},
            EventKind.RESTORED,
            rec.updated_at,
        )
    if action.pull:
        written = pull_fields(uow, facts, written, action.pull, rec)
    if written.jira_key != rec.key:
        written = apply_remote(uow, written, {"jira_key": rec.key}, EventKind.EDITED, repo.now())
    sync_repo.save_link(
        conn,
        card_id=card.id,
        ident=link.ident if link else f"jira:{rec.key}",
        issue_key=rec.key,
        issue_id=rec.id,
        origin=link.origin if link else "jira",
        issue_updated=rec.updated,
        card_revision=written.revision,
        # Pushed fields keep their old base until the push went through.
        base=base_before_push(action.base, action.push, link),
        # An unfinished move (see move_in_progress) stays noted until it lands.
        info={**issue_info(rec), **_moving(link)} if "column" in action.push else issue_info(rec),
        needs_push=bool(action.push),
    )
    sync_repo.clear_items(conn, card_id=card.id, kind=ItemKind.CONFLICT)
    # A failed create is settled too: the issue exists (a create that timed out
    # while JIRA made it is found by its stamp).
    settled = [*(f for f in ALL_FIELDS if f not in action.push), CREATE_ITEM]
    sync_repo.clear_items(conn, card_id=card.id, fields=settled, kind=ItemKind.QUEUED)
    for name, (mine, theirs) in action.conflicts.items():
        sync_repo.put_item(
            conn,
            card_id=card.id,
            field=name,
            kind=ItemKind.CONFLICT,
            values={
                "local": mine,
                "remote": theirs,
                "base": (link.base if link else {}).get(name),
            },
            message=f"Changed on the board and in JIRA ({rec.key}); choose which to keep.",
        )
    return written.revision, written is not fresh


def pull_fields(
    uow: UnitOfWork, facts: BoardFacts, card: Card, pull: dict[str, Any], rec: IssueRecord
) -> Card:
    """Write JIRA's values of the pulled fields onto the card, one event per kind of change."""
    at = rec.updated_at
    edits: dict[str, Any] = {}
    if "title" in pull:
        edits["title"] = card_title(pull["title"], rec.key)
    if "description" in pull:
        edits["description"] = card_description(pull["description"])
    if "labels" in pull:
        edits["labels"] = card_labels(pull["labels"])
    if "project" in pull:
        edits["project"] = pull["project"]
    if edits:
        card = apply_remote(uow, card, edits, EventKind.EDITED, at)
    if "column" in pull or "assignee" in pull:
        column_id = int(pull.get("column", card.column_id))
        target = next(c for c in facts.columns if c.id == column_id)
        person_id = card.person_id if card.person_id is not None else card.owner_id
        if "assignee" in pull:
            person = facts.people_by_user.get(pull["assignee"]) if pull["assignee"] else None
            person_id = person.id if person else None
        elif person_id is None and rec.assignee is not None:
            person = facts.people_by_user.get(rec.assignee.id)
            person_id = person.id if person else None
        if "column" in pull:
            # The move happened when JIRA's changelog says it did.
            moves = [c.at for c in rec.status_changes if c.to_status == rec.status_id]
            at = moves[-1] if moves else rec.updated_at
        values = placement_values(card, target, person_id, None, at)
        if (values["column_id"], values["person_id"]) != card.cell or (
            values["owner_id"] != card.owner_id
        ):
            kind = EventKind.MOVED
            if values["column_id"] == card.column_id:
                kind = EventKind.ASSIGNED
            card = apply_remote(uow, card, values, kind, at)
    if "flagged" in pull:
        if pull["flagged"] and not card.not_ready:
            card = apply_remote(
                uow,
                card,
                {"not_ready": True, "not_ready_reason": FLAG_REASON, "not_ready_since": at},
                EventKind.BLOCKED,
                at,
            )
        elif not pull["flagged"] and card.not_ready:
            card = apply_remote(
                uow,
                card,
                {"not_ready": False, "not_ready_reason": None, "not_ready_since": None},
                EventKind.UNBLOCKED,
                at,
            )
    return card


def insert_new_cards(
    uow: UnitOfWork, creates: Sequence[tuple[IssueRecord, Action, NewCard]]
) -> list[str]:
    """Insert cards for new issues, already in their current place, with their history.

    One executemany per table: a first pull of thousands of issues is a few
    statements. Each card's link is saved with the plan's base.
    """
    conn = uow.conn
    counts: dict[tuple[int, int | None], int] = defaultdict(int)
    for column_id, person_id, _blocked, n in repo.cell_counts(conn):
        counts[(column_id, person_id)] += n
    rows: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for rec, action, new in creates:
        values = new.values
        cell = (values["column_id"], values.get("person_id"))
        pos = counts[cell]
        counts[cell] = pos + 1
        row: dict[str, Any] = {
            "id": repo.new_id(),
            "title": values["title"],
            "description": values.get("description", ""),
            "column_id": cell[0],
            "person_id": cell[1],
            "owner_id": values.get("owner_id"),
            "position": pos,
            "not_ready": values.get("not_ready", False),
            "not_ready_reason": values.get("not_ready_reason"),
            "not_ready_since": values.get("not_ready_since"),
            "size_days": 1.0,
            "labels": values.get("labels", []),
            "project": values.get("project"),
            "due_date": None,
            "jira_key": values["jira_key"],
            "created_at": new.created_at,
            "updated_at": new.created_at,
            "started_at": values.get("started_at"),
            "done_at": values.get("done_at"),
            "column_since": values.get("column_since") or new.created_at,
            "revision": 1,
            "archived": False,
        }
        rows.append(row)
        after = {k: repo.jsonable(row[k]) for k in repo.CARD_FIELDS}
        after.update(new.initial)
        events.append(
            _event(row["id"], EventKind.CREATED, {"archived": True}, after, new.created_at, "jira")
        )
        for at, kind, before, change, author in new.timeline:
            events.append(_event(row["id"], kind, before, change, at, author or "jira"))
        links.append(
            {
                "card_id": row["id"],
                "ident": f"jira:{rec.key}",
                "issue_key": rec.key,
                "issue_id": rec.id,
                "origin": "jira",
                "issue_updated": rec.updated,
                "card_revision": 1,
                "base": action.base,
                "info": issue_info(rec),
            }
        )
    if rows:
        sync_repo.insert_cards(conn, rows=rows)
        repo.append_events(conn, events=events)
        sync_repo.insert_links(conn, rows=links)
    return [r["id"] for r in rows]


def base_before_push(
    new_base: dict[str, Any], push: dict[str, Any], link: sync_repo.Link | None
) -> dict[str, Any]:
    """The base with pushed fields still at their old value (set once the push succeeds)."""
    old = link.base if link else {}
    base = dict(new_base)
    for name in push:
        if name in old:
            base[name] = old[name]
        else:
            base.pop(name, None)
    return base


def _event(
    card_id: str,
    kind: EventKind,
    before: dict[str, Any],
    after: dict[str, Any],
    at: datetime,
    actor: str,
) -> dict[str, Any]:
    return {
        "card_id": card_id,
        "change_id": str(uuid.uuid4()),
        "actor": actor[:ACTOR_MAX],
        "at": at,
        "kind": kind.value,
        "before": before,
        "after": after,
        "reason": None,
        "rules": None,
        "source": Source.JIRA.value,
        "target_change": None,
    }
