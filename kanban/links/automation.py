"""Which automatic moves follow from a scan: a pure decision over plain data.

A scan finds triggers (:class:`Trigger`): a pull request opened or merged, the
first commit naming a card. :func:`plan_moves` takes them with the board as it
is (columns, people, where each keyed card is), the rules switched on and the
triggers that fired before, and returns, in trigger order, the moves to make
(:class:`PlannedMove`) and the triggers that move nothing, with the reason
(:class:`Skipped`). It reads no git, no database and moves nothing: the links
service applies each planned move through ``BoardService.move_card`` (so the
board's rules apply) and logs every step.

The rules, each off unless switched on:

* ``pr_opened``: the card moves to the Review column (``[links.columns] review``);
* ``pr_merged``: the card moves to Done (``done``, else the board's done column);
* ``first_commit``: a card still in the pool moves to In progress
  (``in_progress``, else the first active column) in the lane of the team member
  the commit's author or e-mail matches; with no match nothing moves.

A trigger fires once: the same PR and key (or, for ``first_commit``, the same
key) is never tried twice. A PR merged in the same scan that saw it opened only
needs the merge move. Later triggers of a card are decided as if its earlier
planned moves were made; the service plans again when one was not.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from kanban.domain.links import PrState, PullRequest
from kanban.domain.model import Column, ColumnKind, Person

FIRST_COMMIT = "first_commit"
PR_OPENED = "pr_opened"
PR_MERGED = "pr_merged"

# What makes a trigger "the same" in the automation log: rule, key and trigger
# (the trigger is empty for first_commit, which fires once per key).
FiredKey = tuple[str, str, str]


@dataclass(frozen=True, slots=True)
class Trigger:
    """Something a scan found that a rule may act on.

    Attributes:
        rule: ``pr_opened``, ``pr_merged`` or ``first_commit``.
        trigger: what fired it: the PR's URL (or number) or the commit's sha.
        key: the JIRA key it names.
        reason: the sentence the move's history entry and the report show.
        author, email: who made it, matched against the team for first_commit.
    """

    rule: str
    trigger: str
    key: str
    reason: str
    author: str
    email: str = ""

    @property
    def fired_key(self) -> FiredKey:
        """How the automation log knows this trigger fired already."""
        return (self.rule, self.key, "" if self.rule == FIRST_COMMIT else self.trigger[:300])


@dataclass(frozen=True, slots=True)
class CardPlacement:
    """Where a keyed card is: its column and lane (person)."""

    card_id: str
    column_id: int
    person_id: int | None


@dataclass(frozen=True, slots=True)
class PlannedMove:
    """Move ``card_id`` to ``column`` (in ``person_id``'s lane) for ``trigger``.

    ``after`` is where the card is assumed to be once moved, for the card's
    later triggers.
    """

    trigger: Trigger
    card_id: str
    column: Column
    person_id: int | None
    after: CardPlacement


@dataclass(frozen=True, slots=True)
class Skipped:
    """A trigger that moves nothing, and why (reported and logged as skipped)."""

    trigger: Trigger
    message: str


Step = PlannedMove | Skipped


def first_commit_triggers(
    sha: str, subject: str, author: str, keys: Sequence[str], where: str, email: str = ""
) -> list[Trigger]:
    """The first_commit triggers of one new commit, one per key it names."""
    reason = f"Commit {sha[:10]} '{subject[:80]}' by {author} in {where}"
    return [Trigger(FIRST_COMMIT, sha, key, reason, author, email) for key in keys]


def pr_triggers(
    prs: Sequence[PullRequest], previous_states: Mapping[str, str], where: str
) -> list[Trigger]:
    """The triggers of PRs that are open or merged now and were not at the last scan.

    Args:
        prs: the PRs a source lists now.
        previous_states: PR number → the state stored before this scan.
        where: how the reason names the source.
    """
    out: list[Trigger] = []
    for pr in prs:
        before_state = previous_states.get(pr.number)
        label = f"PR #{pr.number.rsplit(':', 1)[-1]} '{pr.title[:80]}' ({where})"
        for key in pr.keys:
            if pr.state is PrState.OPEN and before_state != PrState.OPEN.value:
                out.append(
                    Trigger(
                        PR_OPENED, pr.url or pr.number, key, f"{label} opened by {pr.author}",
                        pr.author,
                    )
                )
            if pr.state is PrState.MERGED and before_state != PrState.MERGED.value:
                out.append(
                    Trigger(PR_MERGED, pr.url or pr.number, key, f"{label} merged", pr.author)
                )
    return out


def wanted_triggers(triggers: Sequence[Trigger], enabled: Mapping[str, bool]) -> list[Trigger]:
    """The triggers of rules switched on, without an opening merged in the same scan."""
    wanted = [t for t in triggers if enabled.get(t.rule)]
    merged = {(t.trigger, t.key) for t in wanted if t.rule == PR_MERGED}
    return [t for t in wanted if not (t.rule == PR_OPENED and (t.trigger, t.key) in merged)]


def plan_moves(
    triggers: Sequence[Trigger],
    *,
    enabled: Mapping[str, bool],
    fired: Collection[FiredKey],
    cards: Mapping[str, CardPlacement],
    columns: Sequence[Column],
    people: Sequence[Person],
    column_names: Mapping[str, str],
) -> list[Step]:
    """Decide, in order, what each trigger does.

    Args:
        triggers: what the scan found, in the order found.
        enabled: rule → switched on.
        fired: the triggers tried before (see :attr:`Trigger.fired_key`).
        cards: JIRA key → where that card is; a trigger for a key no card has
            is left out.
        columns, people: the board's.
        column_names: ``[links.columns]``: ``review``, ``done``, ``in_progress``.

    Returns:
        One step per trigger that is neither left out nor tried before.
    """
    placed = dict(cards)
    seen = set(fired)
    steps: list[Step] = []
    for trig in wanted_triggers(triggers, enabled):
        card = placed.get(trig.key)
        if card is None or trig.fired_key in seen:
            continue
        seen.add(trig.fired_key)
        step = _decide(trig, card, columns, people, column_names)
        if isinstance(step, PlannedMove):
            placed[trig.key] = step.after
        steps.append(step)
    return steps


def _decide(
    trig: Trigger,
    card: CardPlacement,
    columns: Sequence[Column],
    people: Sequence[Person],
    column_names: Mapping[str, str],
) -> Step:
    current = next(c for c in columns if c.id == card.column_id)
    person = match_author(people, trig.author, trig.email)
    target: Column | None
    if trig.rule == FIRST_COMMIT:
        if current.kind is not ColumnKind.POOL:
            return Skipped(trig, "card already started")
        target = column_named(columns, column_names.get("in_progress", "In progress"))
        target = target or next((c for c in columns if c.kind is ColumnKind.ACTIVE), None)
        if person is None:
            return Skipped(
                trig,
                f"{trig.reason}: no team member matches the author '{trig.author}'; "
                "add them (with their e-mail) to move cards into their lane.",
            )
        person_ref: int | None = person.id
    else:
        if trig.rule == PR_OPENED:
            target = column_named(columns, column_names.get("review", "Review"))
        else:
            name = column_names.get("done")
            target = column_named(columns, name) if name else None
            target = target or next((c for c in columns if c.kind is ColumnKind.DONE), None)
        if target is None:
            return Skipped(
                trig,
                f"{trig.reason}: the board has no column for this rule; name it under "
                "[links.columns] in the config file.",
            )
        if current.kind is ColumnKind.DONE or current.order >= target.order:
            return Skipped(trig, f"card is already in '{current.name}'")
        person_ref = card.person_id or (person.id if person else None)
    if target is None:
        return Skipped(trig, "no active column")
    after = dataclasses.replace(
        card,
        column_id=target.id,
        person_id=person_ref if person_ref is not None else card.person_id,
    )
    return PlannedMove(trig, card.card_id, target, person_ref, after)


def column_named(columns: Sequence[Column], name: str | None) -> Column | None:
    """The column of that name (any case), or None."""
    if not name:
        return None
    wanted = name.strip().lower()
    return next((c for c in columns if c.name.lower() == wanted), None)


def match_author(people: Sequence[Person], author: str, email: str = "") -> Person | None:
    """The active team member whose name, e-mail or JIRA user is the author's."""
    wanted = {v.strip().lower() for v in (author, email) if v and v.strip()}
    if email and "@" in email:
        wanted.add(email.split("@", 1)[0].lower())
    for p in people:
        if not p.active:
            continue
        names = {v.lower() for v in (p.name, p.email or "", p.jira_user or "") if v}
        if names & wanted:
            return p
    return None
