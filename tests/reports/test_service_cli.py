"""The report from a real board: BoardService on a SQLite file, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from kanban.cli.main import run
from kanban.errors import NotFound
from kanban.services import reporting
from kanban.services.board import BoardService


def d(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def fill(service: BoardService) -> None:
    """Two cards through the real use cases, on known dates."""
    service.add_person("Alice Smith", wip_limit=2)
    first = service.add_card("Patch web servers", project="WEB", created_at=d(2)).card
    service.move_card(first.id, column="In progress", person="Alice Smith", at=d(16))
    service.block(first.id, "waiting for change window", at=d(17))
    service.unblock(first.id, at=d(18))
    service.move_card(first.id, column="Done", at=d(20))
    second = service.add_card("Order disks", created_at=d(10)).card
    service.block(second.id, "waiting for quote", at=d(13))


def test_report_reads_the_board_and_its_history(service: BoardService) -> None:
    fill(service)
    data = reporting.report(service, period="week", now=d(21, 12))
    (alice,) = data.people
    assert [c.title for c in alice.finished] == ["Patch web servers"]
    record = data.flow.finished[0]
    assert record.cycle_days == pytest.approx(4.0)
    assert record.lead_days == pytest.approx(18.0)
    assert record.blocked_days == pytest.approx(1.0)
    assert [(c.title, c.reason) for c in data.pool.not_ready] == [
        ("Order disks", "waiting for quote"),
    ]  # fmt: skip


def test_archived_finished_cards_still_count(service: BoardService) -> None:
    fill(service)
    card = next(c for c in service.list_cards() if c.title == "Patch web servers")
    service.archive(card.id)
    data = reporting.report(service, period="2026-11-16..2026-11-22", now=d(21, 12))
    assert [r.title for r in data.flow.finished] == ["Patch web servers"]


def test_unknown_person_is_a_clear_error(service: BoardService) -> None:
    fill(service)
    with pytest.raises(NotFound, match="No person 'zed' on this board.*Alice Smith"):
        reporting.report(service, people=["zed"])


def test_cli_writes_each_format(
    tmp_path: Path, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    svc = BoardService.open(db_url, "tester")
    fill(svc)
    svc.close()
    span = "2026-11-01..2026-11-30"
    pdf = tmp_path / "r.pdf"
    assert (
        run(["report", "--db", db_url, "--period", span, "--paper", "letter", "-o", str(pdf)]) == 0
    )
    assert "Wrote the pdf report for 1 Nov 2026 – 30 Nov 2026" in capsys.readouterr().out
    reader = PdfReader(str(pdf))
    assert round(float(reader.pages[0].mediabox.height)) == 792
    assert "Patch web servers" in "".join(p.extract_text() for p in reader.pages)
    assert run(["report", "--db", db_url, "--period", span, "--format", "json"]) == 0
    loaded = json.loads(capsys.readouterr().out)
    assert loaded["flow"]["period_cycle"]["count"] == 1
    assert run(["report", "--db", db_url, "--period", span, "-o", str(tmp_path / "r.csv")]) == 0
    assert (tmp_path / "r.csv").read_bytes().startswith("\ufeffcard_id,".encode())
    capsys.readouterr()
    assert run(["report", "--db", db_url, "--period", "2026-13-01..", "-o", str(pdf)]) == 1
    assert "not YYYY-MM-DD" in capsys.readouterr().err
    assert run(["report", "--db", db_url, "--format", "pdf"]) == 1
    assert "name it with -o" in capsys.readouterr().err


def test_cli_report_runs_without_a_display_and_without_qt(tmp_path: Path, db_url: str) -> None:
    svc = BoardService.open(db_url, "tester")
    fill(svc)
    svc.close()
    out = tmp_path / "r.html"
    script = (
        "import sys\n"
        "from kanban.cli.main import run\n"
        f"code = run(['report', '--db', {db_url!r}, '--period', 'month', '-o', {str(out)!r}])\n"
        "assert not any(m.startswith(('PySide6', 'shiboken6')) for m in sys.modules), 'Qt loaded'\n"
        "sys.exit(code)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                            text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_linked_pull_requests_come_from_the_links_tables(service: BoardService) -> None:
    from sqlalchemy import insert

    from kanban.store import db
    from kanban.store.tables_links import (
        LinkPullRequestKeyRow,
        LinkPullRequestRow,
        LinkSourceRow,
        LinkSummaryRow,
    )

    fill(service)
    assert reporting.report(service, now=d(21, 12)).pull_requests is None  # links not set up
    card = next(c for c in service.list_cards() if c.title == "Patch web servers")
    service.edit_card(card.id, jira_key="OPS-7")
    with db.write_transaction(service.engine) as conn:
        source = conn.execute(
            insert(LinkSourceRow.__table__).values(kind="bitbucket", location="ops/web", keys="OPS")
        ).inserted_primary_key[0]
        pr = conn.execute(
            insert(LinkPullRequestRow.__table__).values(
                source_id=source, number="42", title="Patch nginx on web hosts", state="MERGED",
                author="alice", reviewers=[], repo="ops/web", url="https://git.example/pr/42",
                updated_at=d(19, 15),
            )
        ).inserted_primary_key[0]  # fmt: skip
        conn.execute(insert(LinkPullRequestKeyRow.__table__).values(pr_id=pr, key="OPS-7"))
        conn.execute(
            insert(LinkSummaryRow.__table__).values(key="OPS-7", pr_count=1, pr_state="MERGED")
        )
    data = reporting.report(service, period="week", now=d(21, 12))
    (linked,) = data.pull_requests or ()
    assert (linked.card_id, linked.number, linked.state, linked.merged_at) == (
        card.id, "42", "merged", d(19, 15),
    )  # fmt: skip
    from kanban.reports.render_text import render_markdown

    assert "#42 Patch nginx on web hosts" in render_markdown(data)


def test_a_raised_limit_does_not_hide_the_breach_before_it(service: BoardService) -> None:
    from datetime import timedelta

    from kanban.domain.model import Rule, RuleMode

    service.set_rule(Rule.WIP_LIMITS, RuleMode.OFF)
    service.add_person("Dana Lee", wip_limit=1)
    start = datetime.now(UTC) - timedelta(hours=3)
    for n in range(2):
        card = service.add_card(f"Patch host {n}", created_at=start - timedelta(hours=1)).card
        service.move_card(
            card.id, column="In progress", person="Dana Lee", at=start + timedelta(hours=n)
        )
    service.update_person("Dana Lee", wip_limit=3)  # the lead raises it today
    service.update_person("Dana Lee", name="Dana Lee-Park")  # not a limit change

    with service.reading() as conn:
        from kanban.store import repo

        (change,) = repo.limit_changes(conn)
    assert (change.scope, change.before, change.after, change.actor) == (
        "person",
        1,
        3,
        "tester",
    )
    data = reporting.report(service, period="week")
    (breach,) = [b for b in data.flow.breaches if b.scope == "person"]
    assert (breach.name, breach.limit, breach.peak) == ("Dana Lee-Park", 1, 2)
    assert breach.start == start + timedelta(hours=1)
    assert breach.end == change.at
