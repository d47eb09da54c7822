"""Fixtures of the reliability suites: a loopback JIRA, and the tables printed at the end.

The JIRA fault matrix adds one row per case (fault, operation, what the user
was told), the crash suite one per scenario (where its runs were killed);
both tables are printed after pytest's own summary, so a reader sees every
outcome at a glance.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sync.fake_jira import FakeJira

FAULT_ROWS = pytest.StashKey[list[tuple[str, str, str]]]()
CRASH_ROWS = pytest.StashKey[list[tuple[str, str]]]()


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    server = FakeJira().start()
    yield server
    server.stop()


@pytest.fixture
def fault_rows(request: pytest.FixtureRequest) -> list[tuple[str, str, str]]:
    """Where a fault-matrix case puts its row: (fault, operation, outcome)."""
    return request.config.stash.setdefault(FAULT_ROWS, [])


@pytest.fixture
def crash_rows(request: pytest.FixtureRequest) -> list[tuple[str, str]]:
    """Where a crash scenario puts its row: (scenario, where the runs were killed)."""
    return request.config.stash.setdefault(CRASH_ROWS, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    crashes = config.stash.get(CRASH_ROWS, [])
    if crashes:
        terminalreporter.section("crash suite (kill -9)")
        name_w = max(len(n) for n, _d in crashes)
        for name, detail in crashes:
            terminalreporter.write_line(f"{name:<{name_w}}  {detail}")
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
