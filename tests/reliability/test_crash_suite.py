"""The crash suite: ``kill -9`` at random points of the commands that write a lot.

Five commands, ten runs each, each run killed with SIGKILL at a seeded random
point: a JIRA sync pushing moves, edits and new issues (the loopback JIRA runs
in this process); a CSV import and a JSON import ``--replace``; a links scan of
a real git repository whose commits name the cards' keys; ``kanban demo
--force``; and a schema upgrade of a board stamped at the first revision. The
point is a random delay after the command started (even runs) or the k-th
SQL statement or JIRA request (odd runs), both drawn from what the last
complete run of the same command did.

After every kill: ``PRAGMA integrity_check`` is "ok"; every change the user
made before the command is still there (compared with a snapshot taken
before); what the sync owes JIRA is still marked to be pushed; and the next
run of the same command succeeds and ends where an uninterrupted run would.

The commands run in processes forked from ``crash_child.py`` (the app
imported once), so fifty runs fit the suite's time. ``KANBAN_CRASH_SEED``
picks other points. Each scenario's kill points are printed at the end of the
test run.
"""

from __future__ import annotations

import json
import os
import queue
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from links.helpers import GitRepo
from store.test_migrations import make_first_revision_db
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import TOKEN, FakeJira

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from kanban.services.transfer import export_board, export_json
from kanban.store import db, sync_repo
from kanban.sync.engine import STAMP_PREFIX

HERE = Path(__file__).parent
SEED = int(os.environ.get("KANBAN_CRASH_SEED", "1515"))
RUNS = 10
# The card fields a user edits: what "no local change is lost" compares.
USER_FIELDS = (
    "title",
    "description",
    "column_id",
    "person_id",
    "labels",
    "not_ready",
    "not_ready_reason",
    "size_days",
    "project",
    "due_date",
    "archived",
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="the fork server needs os.fork (POSIX)"),
]


# --- running a command in a process that may be killed -------------------------------


@dataclass(frozen=True)
class Kill:
    """Where to kill: ``delay`` seconds after the command started, or at mark ``count``."""

    delay: float | None = None
    mark: str | None = None
    count: int = 0

    def describe(self) -> str:
        if self.delay is not None:
            return f"after {self.delay * 1000:.0f} ms"
        return f"at {self.mark} #{self.count}"


@dataclass
class Outcome:
    code: int | None  # the exit code; None when killed
    killed: bool
    out: str
    err: str
    marks: Counter[str]
    seconds: float

    @property
    def said(self) -> str:
        return self.out + self.err


class Zygote:
    """``crash_child.py`` running: forks a child per command (see its docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        env = {k: v for k, v in os.environ.items() if not k.startswith("KANBAN_")}
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(HERE.parent), env.get("PYTHONPATH")) if p
        )
        # Never the developer's keyring: the test keyring (empty in a child; the
        # JIRA token comes from KANBAN_JIRA_TOKEN).
        env["PYTHON_KEYRING_BACKEND"] = "kanban_test_keyring.MemoryKeyring"
        self.log = folder / "crash_child.log"
        self._log_file = self.log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "crash_child.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            env=env,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.n = 0

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())
        self.lines.put(None)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            self._log_file.close()

    def run(self, *argv: str, kill: Kill | None = None, timeout: float = 120.0) -> Outcome:
        """Run ``kanban ARGV`` in a fresh child; kill it as ``kill`` says."""
        self.n += 1
        out, err = self.folder / f"run{self.n}.out", self.folder / f"run{self.n}.err"
        env = {k: v for k, v in os.environ.items() if k.startswith("KANBAN_")}
        request = {"argv": list(argv), "env": env, "out": str(out), "err": str(err)}
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        pid = 0
        marks: Counter[str] = Counter()
        started = deadline = None
        killed = False
        end = time.monotonic() + timeout
        status = 0
        while True:
            now = time.monotonic()
            wait = end - now
            if deadline is not None and not killed:
                wait = min(wait, deadline - now)
            try:
                line = self.lines.get(timeout=max(0.0, wait))
            except queue.Empty:
                if deadline is not None and not killed and time.monotonic() >= deadline:
                    killed = _kill(pid)
                    continue
                if time.monotonic() >= end:
                    _kill(pid)
                    what = " ".join(argv)
                    raise AssertionError(f"kanban {what} did not finish in {timeout} s") from None
                continue
            if line is None:
                raise AssertionError(f"the fork server died: {self.log.read_text()[-2000:]}")
            word, _pid, *rest = line.split()
            if word == "started":
                pid = int(_pid)
            elif word == "mark" and rest[0] == "start":
                started = time.monotonic()
                if kill is not None and kill.delay is not None:
                    deadline = started + kill.delay
            elif word == "mark":
                marks[rest[0]] += 1
                if kill is not None and not killed and kill.mark == rest[0]:
                    if marks[rest[0]] >= kill.count:
                        killed = _kill(pid)
            elif word == "exited":
                status = int(rest[0])
                break
        seconds = time.monotonic() - (started or time.monotonic())
        by_kill = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        return Outcome(
            code=code,
            killed=by_kill,
            out=out.read_text(encoding="utf-8", errors="replace"),
            err=err.read_text(encoding="utf-8", errors="replace"),
            marks=marks,
            seconds=seconds,
        )


def _kill(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    server = Zygote(tmp_path_factory.mktemp("crash_child"))
    yield server
    server.close()


@dataclass
class Points:
    """Draws the kill points of a scenario from what its last complete run did."""

    name: str
    mark: str  # the mark the odd runs count: "sql" or "http"
    seconds: float = 1.0
    count: int = 20
    rng: random.Random = field(init=False)
    killed: list[str] = field(default_factory=list)
    finished: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{SEED}:{self.name}")

    def learn(self, done: Outcome) -> None:
        assert done.code == 0, done.said
        self.seconds = max(done.seconds, 0.05)
        self.count = max(done.marks[self.mark], 1)

    def next(self, run: int) -> Kill:
        if run % 2 == 0:
            return Kill(delay=self.rng.uniform(0, self.seconds))
        return Kill(mark=self.mark, count=self.rng.randint(1, self.count))

    def record(self, kill: Kill, outcome: Outcome) -> None:
        if outcome.killed:
            self.killed.append(kill.describe())
        else:
            assert outcome.code in (0, 1), outcome.said  # finished first: a normal end
            assert "Traceback" not in outcome.said, outcome.said
            self.finished += 1


def report(points: Points, rows: list[tuple[str, str]]) -> None:
    shown = ", ".join(points.killed)
    rows.append(
        (
            points.name,
            f"{len(points.killed)} of {RUNS} killed ({shown}); {points.finished} ended first",
        )
    )
    # A suite whose kills all came too late would prove nothing.
    assert len(points.killed) >= RUNS // 2, rows[-1]


# --- what every run checks -------------------------------------------------------------


def integrity(path: Path) -> None:
    """What any next process sees first: SQLite's own checks (after its crash recovery)."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
        assert con.execute("PRAGMA foreign_key_check").fetchall() == [], path
    finally:
        con.close()


def open_board(url: str) -> BoardService:
    return BoardService.open(url, "checker")


def user_cards(url: str) -> dict[str, tuple[Any, ...]]:
    """card id → the fields a user edits, from the board's own export."""
    service = open_board(url)
    try:
        cards = export_board(service)["cards"]
    finally:
        service.close()
    return {c["id"]: tuple(json.dumps(c[f]) for f in USER_FIELDS) for c in cards}


def unchanged(
    before: dict[str, tuple[Any, ...]],
    after: dict[str, tuple[Any, ...]],
    ignore: tuple[str, ...] = (),
) -> None:
    """Every card of ``before`` is in ``after`` with the same user-edited fields."""
    lost = []
    for card_id, fields in before.items():
        now = after.get(card_id)
        if now is None:
            lost.append(f"card {card_id} is gone")
            continue
        lost += [
            f"card {card_id} {name}: {was} -> {is_}"
            for name, was, is_ in zip(USER_FIELDS, fields, now, strict=True)
            if was != is_ and name not in ignore
        ]
    assert not lost, "; ".join(lost)


def titles(url: str) -> list[str]:
    service = open_board(url)
    try:
        return sorted(c["title"] for c in export_board(service)["cards"])
    finally:
        service.close()


# --- 1. a JIRA sync pushing ----------------------------------------------------------------

COLUMN_STATUSES = {
    "Task pool": {"10000", "10001"},
    "In progress": {"3"},
    "Review": {"10002"},
    "Done": {"10003"},
}
# Moves the loopback workflow has a path for that never passes through Done.
MOVES = {
    "Task pool": ("In progress", "Review", "Done"),
    "In progress": ("Review", "Done"),
    "Review": ("In progress", "Done"),
    "Done": ("Task pool",),
}


def stamped(fake: FakeJira, card_id: str) -> list[str]:
    return [i.key for i in fake.issues.values() if f"{STAMP_PREFIX}{card_id}" in i.labels]


def owes_jira(fake: FakeJira, service: BoardService) -> dict[str, str]:
    """card id → what JIRA does not have yet of the card (empty when in step)."""
    names = {c.id: c.name for c in service.columns()}
    out: dict[str, str] = {}
    for card in service.list_cards():
        issue = fake.issues.get(card.jira_key or "")
        if issue is None:
            out[card.id] = "no issue yet"
        elif issue.summary != card.title:
            out[card.id] = f"title {card.title!r} (JIRA {issue.summary!r})"
        elif issue.status not in COLUMN_STATUSES[names[card.column_id]]:
            out[card.id] = f"column {names[card.column_id]} (JIRA status {issue.status})"
    return out


def queue_holds(service: BoardService, owed: dict[str, str]) -> None:
    """Every card JIRA is behind on is one the next sync looks at (pushes or creates)."""
    with service.reading() as conn:
        marks = {m.card_id: m for m in sync_repo.link_marks(conn)}
        revisions = sync_repo.card_revisions(conn)
        with_items = sync_repo.item_cards(conn)
    for card_id, what in owed.items():
        mark = marks.get(card_id)
        if mark is None or not mark.issue_key:
            continue  # no issue yet: the create pass picks it up (found by its stamp)
        looked_at = (
            mark.needs_push or mark.card_revision != revisions.get(card_id) or card_id in with_items
        )
        assert looked_at, f"card {card_id} owes JIRA its {what} but nothing says so"


def test_sync_push_killed_at_random_points(
    zygote: Zygote,
    fake: FakeJira,
    service: BoardService,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    crash_rows: list[tuple[str, str]],
) -> None:
    monkeypatch.setenv("KANBAN_JIRA_TOKEN", TOKEN)  # the child's keyring is empty
    map_default_columns(service)
    service.add_person("Carol", jira_user=fake.user_id("carol"))
    for n, path in enumerate((["10000"], ["10000", "10001"], ["10000", "10001", "3"])):
        for m in range(2):
            active = path[-1] == "3"
            fake.add_issue(
                "OPS", f"Server task {n}.{m}", path=path, assignee="carol" if active else None
            )
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    make_settings(fake, create_issues=True, create_project="OPS", create_since=since)
    points = Points("sync push", "http")
    points.learn(zygote.run("sync", "--db", db_url))
    names = {c.id: c.name for c in service.columns()}

    for run in range(RUNS):
        rng = points.rng
        for card in rng.sample(service.list_cards(), 3):
            service.edit_card(card.id, title=f"{card.title.split(' r')[0]} r{run}")
            target = rng.choice(MOVES[names[card.column_id]])
            person = "Carol" if target in ("In progress", "Review") else None
            service.move_card(card.id, column=target, person=person, override_reason="crash test")
        new = service.add_card(f"New card r{run}").card
        if run % 3 == 0:
            service.move_card(new.id, column="In progress", person="Carol", override_reason="t")
        before = user_cards(db_url)
        keys = {c.id: c.jira_key for c in service.list_cards()}

        kill = points.next(run)
        outcome = zygote.run("sync", "--db", db_url, kill=kill)
        points.record(kill, outcome)
        fake.idle()

        integrity(Path(db_url.removeprefix("sqlite:///")))
        # The sync changed nothing the user made (JIRA owns a linked card's project).
        unchanged(before, user_cards(db_url), ignore=("project",))
        for card in service.list_cards():
            assert len(stamped(fake, card.id)) <= 1, f"two issues for card {card.title}"
            if keys[card.id] is not None:
                assert card.jira_key == keys[card.id]
        queue_holds(service, owes_jira(fake, service))

        owed = owes_jira(fake, service)
        done = zygote.run("sync", "--db", db_url)
        points.learn(done)
        assert owes_jira(fake, service) == {}, (
            f"run {run}, killed {kill.describe()}: owed {owed}; the next sync said {done.said}"
        )
        status = SyncService(service).status()
        assert (status.conflicts, status.pending) == (0, 0), done.said
        unchanged(before, user_cards(db_url), ignore=("project",))
    report(points, crash_rows)


# --- 2. a CSV import and a JSON import --replace ----------------------------------------


def other_board(path: Path) -> tuple[Path, dict[str, tuple[Any, ...]]]:
    """An export of another board (30 cards with history) and its cards."""
    url = f"sqlite:///{path.with_suffix('.db')}"
    other = open_board(url)
    try:
        other.add_person("Dana")
        for n in range(30):
            card = other.add_card(f"Other board card {n}", labels=["imported"]).card
            if n % 3 == 0:
                other.move_card(card.id, column="In progress", person="Dana", override_reason="t")
        path.write_text(export_json(other), encoding="utf-8")
    finally:
        other.close()
    return path, user_cards(url)


def write_csv(path: Path, run: int, rows: int) -> str:
    tag = f"r{run} row"
    lines = ["Title,Labels,Size,Description"]
    lines += [f'"{tag} {n}","csv,run{run}",0.5,"Line {n} of run {run}"' for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tag


def test_import_killed_at_random_points(
    zygote: Zygote,
    service: BoardService,
    db_url: str,
    tmp_path: Path,
    crash_rows: list[tuple[str, str]],
) -> None:
    rows = 150
    service.add_person("Erin")
    for n in range(12):
        card = service.add_card(f"Local card {n}", labels=["local"]).card
        if n % 4 == 0:
            service.move_card(card.id, column="In progress", person="Erin", override_reason="t")
    other_json, other_cards = other_board(tmp_path / "other.json")
    points = Points("import", "sql")
    write_csv(tmp_path / "warm.csv", -1, rows)
    points.learn(zygote.run("import", "--csv", str(tmp_path / "warm.csv"), "--db", db_url))
    path = Path(db_url.removeprefix("sqlite:///"))

    for run in range(RUNS):
        service.edit_card(service.list_cards()[0].id, title=f"Edited before run {run}")
        before = user_cards(db_url)
        kill = points.next(run)
        if run % 2 == 0:
            csv_path = tmp_path / f"run{run}.csv"
            tag = write_csv(csv_path, run, rows)
            argv = ("import", "--csv", str(csv_path), "--db", db_url)
        else:
            argv = ("import", "--replace", str(other_json), "--db", db_url)
        outcome = zygote.run(*argv, kill=kill)
        points.record(kill, outcome)

        integrity(path)
        after = user_cards(db_url)
        if run % 2 == 0:
            # Every card from before, unchanged; the rows all there or none.
            assert {k: after[k] for k in before} == before
            new = [t for t in titles(db_url) if t.startswith(f"{tag} ")]
            assert len(new) in (0, rows), f"{len(new)} of {rows} rows after the kill"
            done = zygote.run(*argv) if not new else zygote.run("list", "--db", db_url)
            assert done.code == 0, done.said
            assert len([t for t in titles(db_url) if t.startswith(f"{tag} ")]) == rows
            if not new:
                points.learn(done)
        else:
            # The old board whole, or the file's board whole.
            assert after in (before, other_cards), "a board half replaced"
            done = zygote.run(*argv)
            assert done.code == 0, done.said
            assert user_cards(db_url) == other_cards
    report(points, crash_rows)


# --- 3. a links scan ------------------------------------------------------------------------


def commit_counts(path: Path) -> Counter[str]:
    """The commits stored per key (read straight from the file: an observer's view)."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT key, count(*) FROM link_commit_key GROUP BY key").fetchall()
    finally:
        con.close()
    return Counter(dict(rows))


def test_links_scan_killed_at_random_points(
    zygote: Zygote,
    service: BoardService,
    db_url: str,
    tmp_path: Path,
    crash_rows: list[tuple[str, str]],
) -> None:
    for n in range(1, 13):
        service.add_card(f"Card of OPS-{n}", jira_key=f"OPS-{n}")
    repo = GitRepo(tmp_path / "repo")
    truth: Counter[str] = Counter()
    points = Points("links scan", "sql")
    tip = repo.commit("Initial commit")
    at = [1_700_000_000]

    def grow(run: int, count: int) -> None:
        nonlocal tip
        messages = []
        for n in range(count):
            k = points.rng.randint(1, 15)  # OPS-13..15 name no card
            if n % 10 == 0:
                messages.append(f"Tidy the playbooks ({run}.{n})")
                continue
            messages.append(f"OPS-{k}: change {run}.{n}")
            if k <= 12:
                truth[f"OPS-{k}"] += 1
        repo.fast_import(messages, "main", parent=tip, start=at[0])
        at[0] += count * 60
        tip = repo.git("rev-parse", "main")

    argv = ("links", "scan", "--repo", str(repo.path), "--keys", "OPS", "--no-jira")
    grow(-1, 300)
    points.learn(zygote.run(*argv, "--db", db_url))
    path = Path(db_url.removeprefix("sqlite:///"))
    cards = {f"OPS-{n}" for n in range(1, 13)}

    for run in range(RUNS):
        grow(run, 1100)  # more than one flush of the streamed scan
        before = user_cards(db_url)
        kill = points.next(run)
        outcome = zygote.run(*argv, "--db", db_url, kill=kill)
        points.record(kill, outcome)

        integrity(path)
        assert user_cards(db_url) == before
        stored = commit_counts(path)
        for key in cards:
            assert stored[key] <= truth[key], f"{key}: {stored[key]} stored, {truth[key]} made"
        done = zygote.run(*argv, "--db", db_url)
        points.learn(done)
        stored = commit_counts(path)
        assert {k: stored[k] for k in cards} == {k: truth[k] for k in cards}, done.said
    report(points, crash_rows)


# --- 4. kanban demo --force ------------------------------------------------------------------


def test_demo_force_killed_at_random_points(
    zygote: Zygote,
    service: BoardService,
    db_url: str,
    crash_rows: list[tuple[str, str]],
) -> None:
    for n in range(3):
        service.add_card(f"My own card {n}")
    points = Points("demo --force", "sql")
    points.learn(zygote.run("demo", "--force", "--db", db_url))
    demo_titles = titles(db_url)
    assert len(demo_titles) > 50
    path = Path(db_url.removeprefix("sqlite:///"))

    for run in range(RUNS):
        service.add_card(f"My change before run {run}")
        before = user_cards(db_url)
        kill = points.next(run)
        outcome = zygote.run("demo", "--force", "--db", db_url, kill=kill)
        points.record(kill, outcome)

        integrity(path)
        now = titles(db_url)
        # The board as it was, or the demo whole: never a mix.
        assert user_cards(db_url) == before or now == demo_titles, "a board half replaced"
        done = zygote.run("demo", "--force", "--db", db_url)
        points.learn(done)
        assert titles(db_url) == demo_titles
    report(points, crash_rows)


# --- 5. a schema upgrade ------------------------------------------------------------------------


def old_board(path: Path) -> Path:
    """A board at the first schema revision with 40 cards and their history."""
    url = f"sqlite:///{path}"
    make_first_revision_db(url)
    con = sqlite3.connect(path)
    try:
        for n in range(2, 42):
            con.execute(
                "INSERT INTO card (id, title, description, column_id, person_id, position, "
                "not_ready, size_days, labels, created_at, updated_at, revision, archived, "
                "jira_key) VALUES (?, ?, '', ?, NULL, ?, 0, 1.0, '[\"linux\"]', "
                "'2026-10-01 09:00:00', '2026-10-02 09:00:00', 1, 0, ?)",
                (f"c{n}", f"Old card {n}", 1 + n % 3, n, f"OPS-{n}"),
            )
            con.execute(
                "INSERT INTO event (card_id, change_id, actor, at, kind, before, after, source) "
                "VALUES (?, ?, 'alice', '2026-10-01 09:00:00', 'created', '{}', ?, 'local')",
                (f"c{n}", f"x{n}", json.dumps({"title": f"Old card {n}"})),
            )
        con.commit()
    finally:
        con.close()
    return path


def revision(path: Path) -> str | None:
    con = sqlite3.connect(path)
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        con.close()
    return row[0] if row else None


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def test_schema_upgrade_killed_at_random_points(
    zygote: Zygote, tmp_path: Path, crash_rows: list[tuple[str, str]]
) -> None:
    template = old_board(tmp_path / "old.db")
    old_dump = dump(template)
    assert revision(template) == "0001"
    points = Points("schema upgrade", "sql")

    def upgraded_copy(name: str) -> Path:
        path = tmp_path / name
        shutil.copy(template, path)
        return path

    ref = upgraded_copy("reference.db")
    points.learn(zygote.run("export", "-o", str(tmp_path / "reference.json"), "--db", str(ref)))
    expected = (tmp_path / "reference.json").read_text(encoding="utf-8")

    for run in range(RUNS):
        path = upgraded_copy(f"run{run}.db")
        out = tmp_path / f"run{run}.json"
        kill = points.next(run)
        outcome = zygote.run("export", "-o", str(out), "--db", str(path), kill=kill)
        points.record(kill, outcome)

        integrity(path)
        at = revision(path)
        assert at in ("0001", db.SCHEMA_HEAD), f"left at revision {at}"
        if at == "0001":
            assert dump(path) == old_dump  # not upgraded: exactly the old board
        for backup in path.parent.glob(f"{path.name}.bak-*"):
            integrity(backup)
            # A copy cut short must not pass for a backup of the board.
            assert dump(backup) == old_dump, f"{backup.name} is not a whole copy"
        done = zygote.run("export", "-o", str(out), "--db", str(path))
        points.learn(done)
        assert revision(path) == db.SCHEMA_HEAD
        assert out.read_text(encoding="utf-8") == expected
    report(points, crash_rows)
