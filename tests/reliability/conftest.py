"""Fixtures of the reliability suites: a loopback JIRA, and the fault matrix's summary table.

The JIRA fault matrix adds one row per case (fault, operation, what the user
was told); the table is printed at the end of the run, after pytest's own
summary, so a reader sees every outcome at a glance.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync.fake_jira import FakeJira

FAULT_ROWS = pytest.StashKey[list[tuple[str, str, str]]]()


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    server = FakeJira().start()
    yield server
    server.stop()


@pytest.fixture
def fault_rows(request: pytest.FixtureRequest) -> list[tuple[str, str, str]]:
    """Where a fault-matrix case puts its row: (fault, operation, outcome)."""
    return request.config.stash.setdefault(FAULT_ROWS, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    rows = config.stash.get(FAULT_ROWS, [])
    if not rows:
        return
    width = 150
    fault_w = max(len("fault"), *(len(f) for f, _o, _m in rows))
    op_w = max(len("operation"), *(len(o) for _f, o, _m in rows))
    terminalreporter.section("JIRA fault matrix")
    terminalreporter.write_line(f"{'fault':<{fault_w}}  {'operation':<{op_w}}  outcome")
    terminalreporter.write_line(f"{'-' * fault_w}  {'-' * op_w}  {'-' * 7}")
    room = max(20, width - fault_w - op_w - 4)
    for fault, op, outcome in rows:
        shown = outcome if len(outcome) <= room else outcome[: room - 1] + "…"
        terminalreporter.write_line(f"{fault:<{fault_w}}  {op:<{op_w}}  {shown}")
