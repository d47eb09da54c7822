"""A sync right after a sync, with nothing changed on either side, writes nothing to JIRA.

The board normalises what JIRA sends (an empty summary shows as the key,
whitespace is folded, labels lose repeats and the app's stamp); what counts as
"changed here" is the user's edit, never that normalisation. A Hypothesis
property drives issue payloads of the kinds real servers send.
"""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kanban.services.board import BoardService
from kanban.services.sync import SyncService
from sync.conftest import make_settings, map_default_columns
from sync.fake_jira import STATUSES, FakeJira

CAFE_NFC = unicodedata.normalize("NFC", "Café Ünïcode")
CAFE_NFD = unicodedata.normalize("NFD", "Café Ünïcode")

summaries = st.sampled_from(
    [
        "",
        "   ",
        "\t",
        "x" * 255,
        "A" * 254 + " B",
        "trailing space  ",
        "  leading and  double  spaces",
        CAFE_NFC,
        CAFE_NFD,
        "Patch web01",
    ]
) | st.text(min_size=0, max_size=40)
descriptions = st.sampled_from(
    [None, "", "   ", "line one\r\nline two  \r\n", "ends with spaces   ", "a\rb", CAFE_NFD]
) | st.none()
label_pool = ["storage", "Storage", "linux", "b", "a", "windows", "x" * 60, " padded "]
labels = st.lists(st.sampled_from(label_pool), max_size=5)
assignees = st.sampled_from([None, "alice", "bob", "former", "inactive"])
statuses = st.sampled_from(sorted(STATUSES))
missing = st.sets(st.sampled_from(["description", "labels", "assignee"]), max_size=2)

issue = st.fixed_dictionaries(
    {
        "summary": summaries,
        "description": descriptions,
        "labels": labels,
        "assignee": assignees,
        "status": statuses,
        "flagged": st.booleans(),
        "missing": missing,
    }
)


def writes_since(fake: FakeJira, start: int) -> list[tuple[str, str]]:
    return [(m, p) for m, p, _q in fake.requests[start:] if m in ("POST", "PUT", "DELETE")]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(issues=st.lists(issue, min_size=1, max_size=4), mapped=st.booleans())
def test_a_second_sync_with_nothing_changed_writes_nothing(
    issues: list[dict[str, Any]], mapped: bool
) -> None:
    fake = FakeJira().start()
    try:
        fake.add_user("bob", "Bob Builder", "bob@example.com")
        fake.add_user("former", "Former Colleague", "former@example.com", active=False)
        fake.add_user("inactive", "Inactive Person", "inactive@example.com", active=False)
        with tempfile.TemporaryDirectory() as tmp:
            service = BoardService.open(f"sqlite:///{Path(tmp) / 'board.db'}", "tester")
            try:
                if mapped:
                    map_default_columns(service)
                for spec in issues:
                    made = fake.add_issue(
                        "OPS",
                        spec["summary"],
                        status=spec["status"],
                        description=spec["description"],
                        labels=spec["labels"],
                        assignee=spec["assignee"],
                        flagged=spec["flagged"],
                    )
                    made.missing = set(spec["missing"])
                sync = SyncService(service, make_settings(fake))
                sync.sync()
                first = len(fake.requests)

                report = sync.sync()

                assert writes_since(fake, first) == [], report.summary()
                assert report.pushed == 0 and report.errors == []
                # And a full run reads everything again, still without a write.
                report = sync.sync(full=True)
                assert writes_since(fake, first) == [], report.summary()
            finally:
                service.close()
    finally:
        fake.stop()


def test_an_empty_summary_shows_the_key_and_is_never_pushed_back(
    fake: FakeJira, service: BoardService
) -> None:
    fake.add_issue("OPS", "")
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    assert service.card("OPS-1").title == "OPS-1"
    start = len(fake.requests)

    sync.sync()
    sync.sync(full=True)

    assert writes_since(fake, start) == []
    assert fake.issues["OPS-1"].summary == ""


def test_an_edit_of_a_normalised_field_is_still_pushed(
    fake: FakeJira, service: BoardService
) -> None:
    fake.add_issue("OPS", "  spaced   summary ", labels=["b", "a", "b"])
    sync = SyncService(service, make_settings(fake))
    sync.sync()
    card = service.card("OPS-1")
    assert card.title == "spaced summary"

    service.edit_card(card.id, title="A real new title", labels=["a"])
    sync.sync()

    assert fake.issues["OPS-1"].summary == "A real new title"
    assert fake.issues["OPS-1"].labels == ["a"]
