"""Many hands on one shared board: client processes, their logs, and the checks afterwards.

Used by ``tests/store/test_shared_stress.py`` (a small run in CI) and
``bench/bench_shared.py`` (10 clients x 1,000 operations). Each client is its
own process with its own ``BoardService`` and its own person (``client-N``),
working the way a window does: it acts on the board as it last saw it (with
that card's revision), and re-reads a card it was told is out of date. Every
operation and its outcome goes to the client's log (JSON lines); the harness
then checks the board against the logs:

- no update is lost: the changes the clients were told succeeded are exactly
  the new changes in the history, each by the client that made it, and every
  card is where its last event says it went;
- every conflict was reported to its client, naming the card;
- the board's invariants hold: each live card in one cell of a column that
  exists (pool cards in no lane), positions dense 0..n-1 per cell, and the WIP
  figures the board shows equal to a recount from the raw rows.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import text

from kanban.domain.model import Card, ColumnKind
from kanban.errors import ConflictError, RuleViolationError, UserError
from kanban.services.board import BoardService

PEOPLE = ("Ana", "Ben", "Chloe", "Dev", "Eli")
BLOCK_REASONS = ("waiting for the vendor", "change freeze", "needs a maintenance window")
# An operation a window makes after this many of its own re-reads the whole board,
# as the polling window did; in between it works on what it last saw.
REFRESH_EVERY = 15
OVERRIDE = "stress test: many clients at once"


def actor_of(index: int) -> str:
    return f"client-{index}"


def card_title(n: int) -> str:
    return f"Shared card {n:03d}"


def prepare_board(url: str, cards: int) -> int:
    """Fill a new board: people with WIP limits, cards spread over every column.

    Returns the id of the last event before the clients start.
    """
    svc = BoardService.open(url, "setup")
    try:
        for name in PEOPLE:
            svc.add_person(name, wip_limit=3)
        svc.update_column("In progress", wip_max=6)
        columns = [c.name for c in svc.columns()]
        rng = random.Random(7)
        for n in range(cards):
            column = columns[n % len(columns)]
            person = None if column == columns[0] and n % 2 else rng.choice(PEOPLE)
            svc.add_card(
                card_title(n),
                column=column,
                person=person,
                override_reason=OVERRIDE,
            )
        return svc.last_event_id()
    finally:
        svc.close()


@dataclass
class ClientView:
    """What one client's window shows: the cards as it last read them."""

    service: BoardService
    cards: dict[str, Card] = field(default_factory=dict)
    columns: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    def refresh(self) -> None:
        snap = self.service.snapshot()
        self.cards = {c.id: c for c in snap.cards if not c.archived}
        self.columns = [c.name for c in snap.columns]
        self.people = [p.name for p in snap.people]


def _one_op(view: ClientView, rng: random.Random) -> dict[str, Any]:
    card = view.cards[rng.choice(sorted(view.cards))]
    svc = view.service
    roll = rng.random()
    entry: dict[str, Any] = {"card": card.id, "revision": card.revision}
    if roll < 0.55:
        entry["op"] = "move"
        result = svc.move_card(
            card.id,
            column=rng.choice(view.columns),
            person=rng.choice(view.people) if rng.random() < 0.5 else None,
            position=rng.randrange(0, 6) if rng.random() < 0.5 else None,
            expected_revision=card.revision,
            override_reason=OVERRIDE,
        )
    elif roll < 0.8:
        if card.not_ready:
            entry["op"] = "unblock"
            result = svc.unblock(card.id, expected_revision=card.revision)
        else:
            entry["op"] = "block"
            result = svc.block(card.id, rng.choice(BLOCK_REASONS), expected_revision=card.revision)
    else:
        entry["op"] = "assign"
        person = rng.choice([*view.people, None])
        result = svc.assign(
            card.id, person, expected_revision=card.revision, override_reason=OVERRIDE
        )
    entry["outcome"] = "ok"
    entry["change_id"] = result.change_id
    view.cards[card.id] = result.card
    return entry


def run_client(url: str, index: int, ops: int, seed: int, log_path: str, start: Any = None) -> None:
    """One client process: ``ops`` random moves, blocks and assigns, each logged.

    The log line of a change says when it came back committed (``t``, wall
    clock seconds), so a listening client can time how long the others took
    to see it. ``start`` (a multiprocessing barrier) lines the clients up after
    their slow start-up, so that they really work at once.
    """
    rng = random.Random(seed * 1_000_003 + index)
    svc = BoardService.open(url, actor_of(index))
    view = ClientView(svc)
    if start is not None:
        start.wait(timeout=600)
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            view.refresh()
            for n in range(ops):
                if n % REFRESH_EVERY == 0:
                    view.refresh()
                card_id = ""
                try:
                    entry = _one_op(view, rng)
                except ConflictError as exc:
                    card_id = exc.card_id
                    entry = {"outcome": "conflict", "card": card_id, "message": str(exc)}
                    # What the window does after the message: read the card again.
                    view.cards[card_id] = svc.card(card_id)
                except RuleViolationError as exc:
                    entry = {"outcome": "refused", "message": str(exc)}
                except UserError as exc:
                    entry = {"outcome": "error", "message": str(exc)}
                except Exception as exc:  # a bug: logged for the harness, which fails on it
                    entry = {
                        "outcome": "bug",
                        "message": f"{type(exc).__name__}: {exc}",
                        "trace": traceback.format_exc(),
                    }
                entry["t"] = time.time()
                entry["n"] = n
                log.write(json.dumps(entry) + "\n")
        finally:
            svc.close()


def read_log(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@dataclass
class Verdict:
    """What the harness found: the counts, and every broken promise in words."""

    ops: int = 0
    changes: int = 0
    conflicts: int = 0
    refused: int = 0
    noops: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)

    def fail(self, message: str) -> None:
        if len(self.problems) < 40:
            self.problems.append(message)


def check_board(url: str, logs: dict[int, list[dict[str, Any]]], start_event: int) -> Verdict:
    """Check the board against the clients' logs (see the module docstring)."""
    verdict = Verdict()
    svc = BoardService.open(url, "checker")
    try:
        snap = svc.snapshot()
        titles = {c.id: c.title for c in snap.cards}
        reported: dict[str, int] = {}
        for index, entries in logs.items():
            verdict.ops += len(entries)
            for e in entries:
                outcome = e["outcome"]
                if outcome == "ok" and e["change_id"]:
                    verdict.changes += 1
                    if e["change_id"] in reported:
                        verdict.fail(f"change {e['change_id']} reported twice")
                    reported[e["change_id"]] = index
                elif outcome == "ok":
                    verdict.noops += 1
                elif outcome == "conflict":
                    verdict.conflicts += 1
                    title = titles.get(e["card"])
                    if title is None or f"'{title}'" not in e["message"]:
                        verdict.fail(
                            f"client {index}: a conflict that does not name its card "
                            f"{e['card']}: {e['message']}"
                        )
                elif outcome == "refused":
                    verdict.refused += 1
                else:
                    verdict.fail(f"client {index}, op {e['n']}: {outcome}: {e['message']}")
        events = svc.events(after_id=start_event)
        verdict.events = len(events)
        by_change: dict[str, list[Any]] = defaultdict(list)
        for ev in events:
            by_change[ev.change_id].append(ev)
        lost = set(reported) - set(by_change)
        unreported = set(by_change) - set(reported)
        for change in sorted(lost)[:10]:
            verdict.fail(f"change {change} reported as saved is not in the history")
        for change in sorted(unreported)[:10]:
            verdict.fail(f"change {change} in the history was never reported to a client")
        for change, evs in by_change.items():
            if change in reported and {ev.actor for ev in evs} != {actor_of(reported[change])}:
                verdict.fail(
                    f"change {change} by {actor_of(reported[change])} is recorded as "
                    f"{sorted({ev.actor for ev in evs})}"
                )
        _check_last_events(svc, snap.cards, verdict)
        _check_cells(snap, verdict)
        _check_wip(svc, snap, verdict)
    finally:
        svc.close()
    return verdict


# The card fields a client operation sets; the card must hold what its newest
# event touching the field wrote.
_TRACKED = ("column_id", "person_id", "owner_id", "not_ready", "not_ready_reason")


def _check_last_events(svc: BoardService, cards: Iterable[Card], verdict: Verdict) -> None:
    latest: dict[tuple[str, str], Any] = {}
    for ev in svc.events():  # oldest first
        for name in _TRACKED:
            if name in ev.after:
                latest[(ev.card_id, name)] = ev.after[name]
    for card in cards:
        for name in _TRACKED:
            if (card.id, name) in latest and latest[(card.id, name)] != getattr(card, name):
                verdict.fail(
                    f"card {card.title}: {name} is {getattr(card, name)!r} but its last event "
                    f"set {latest[(card.id, name)]!r} (a lost update)"
                )


def _check_cells(snap: Any, verdict: Verdict) -> None:
    kinds = {c.id: c.kind for c in snap.columns}
    people = {p.id for p in snap.people}
    cells: dict[tuple[int, int | None], list[int]] = defaultdict(list)
    for card in snap.cards:
        if card.archived:
            continue
        if card.column_id not in kinds:
            verdict.fail(f"card {card.title} is in column {card.column_id}, which is not there")
        if kinds.get(card.column_id) is ColumnKind.POOL and card.person_id is not None:
            verdict.fail(f"card {card.title} is in the pool but in a person's lane")
        if card.person_id is not None and card.person_id not in people:
            verdict.fail(f"card {card.title} is in the lane of unknown person {card.person_id}")
        cells[(card.column_id, card.person_id)].append(card.position)
    for cell, positions in cells.items():
        if sorted(positions) != list(range(len(positions))):
            last = len(positions) - 1
            verdict.fail(f"cell {cell}: positions {sorted(positions)} are not 0..{last}")


def _check_wip(svc: BoardService, snap: Any, verdict: Verdict) -> None:
    shown = svc.wip(snap)
    with svc.reading() as conn:
        rows = conn.execute(
            text(
                "SELECT c.column_id, c.person_id, c.not_ready, k.kind FROM card c "
                "JOIN board_column k ON k.id = c.column_id WHERE NOT c.archived"
            )
        ).all()
    by_column: Counter[int] = Counter()
    by_person: Counter[int | None] = Counter()
    for column_id, person_id, _blocked, kind in rows:
        by_column[column_id] += 1
        if kind == ColumnKind.ACTIVE.value:
            by_person[person_id] += 1
    got_columns = {k: v.total for k, v in shown.by_column.items() if v.total}
    got_people = {k: v.total for k, v in shown.by_person.items() if v.total}
    if got_columns != dict(by_column):
        verdict.fail(f"WIP per column shown {got_columns}, recounted {dict(by_column)}")
    if got_people != dict(by_person):
        verdict.fail(f"WIP per person shown {got_people}, recounted {dict(by_person)}")


def run_listener(url: str, log_path: str, ready: Any, stop: Any) -> None:
    """A watching client: on each notification, reload the board as a window does.

    Listens on the board's channel (:class:`kanban.store.changes.Listener`),
    reloads the snapshot when woken, and logs for each change it now shows the
    wall-clock time its reload finished (``{"change_id": ..., "seen": t}``).
    When told to stop, it takes one last look, logged with ``"final": true``:
    a change only that look found never woke it.
    """
    from kanban.store.changes import Listener

    svc = BoardService.open(url, "listener")
    listener = Listener(svc.engine)
    listener.connect()
    last = svc.last_event_id()
    ready.set()
    with open(log_path, "w", encoding="utf-8") as log:

        def reload(final: bool) -> int:
            snap = svc.snapshot()
            seen = time.time()
            changes = {
                ev.change_id for ev in svc.events(after_id=last) if ev.id <= snap.last_event_id
            }
            for change in sorted(changes):
                entry = {"change_id": change, "seen": seen, "final": final}
                log.write(json.dumps(entry) + "\n")
            return max(last, snap.last_event_id)

        try:
            while True:
                stopping = stop.is_set()
                # Once the others are done: what is still on its way, then one last look.
                if listener.wait(1.0 if stopping else 0.2):
                    last = reload(final=False)
                elif stopping:
                    reload(final=True)
                    break
        finally:
            listener.close()
            svc.close()


def run_clients(
    url: str,
    clients: int,
    ops: int,
    seed: int,
    log_dir: Path,
    timeout: float = 1800.0,
    listen: bool = False,
) -> dict[int, list[dict[str, Any]]]:
    """Start ``clients`` processes at once, wait for them, and read their logs.

    With ``listen``, a watching client (:func:`run_listener`) runs beside them;
    its log is ``log_dir / "listener.jsonl"``.
    """
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    listener = None
    stop = ctx.Event()
    if listen:
        ready = ctx.Event()
        listener = ctx.Process(
            target=run_listener, args=(url, str(log_dir / "listener.jsonl"), ready, stop)
        )
        listener.start()
        if not ready.wait(timeout=120):
            listener.kill()
            raise AssertionError("the listening client did not start")
    paths = {i: log_dir / f"client-{i}.jsonl" for i in range(clients)}
    start = ctx.Barrier(clients)
    procs = [
        ctx.Process(target=run_client, args=(url, i, ops, seed, str(paths[i]), start))
        for i in range(clients)
    ]
    for p in procs:
        p.start()
    deadline = time.monotonic() + timeout
    for p in procs:
        p.join(timeout=max(1.0, deadline - time.monotonic()))
    stuck = [p for p in procs if p.is_alive()]
    for p in stuck:
        p.kill()
        p.join()
    if stuck:
        raise AssertionError(f"{len(stuck)} client(s) did not finish within {timeout:g} s")
    if listener is not None:
        stop.set()
        listener.join(timeout=120)
        if listener.is_alive():
            listener.kill()
            raise AssertionError("the listening client did not stop")
    failed = [i for i, p in enumerate(procs) if p.exitcode != 0]
    if failed:
        raise AssertionError(f"client(s) {failed} exited with an error (see their stderr)")
    return {i: read_log(path) for i, path in paths.items()}
