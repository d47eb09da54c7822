"""Tables of the links feature: commits, branches and pull requests per JIRA key.

Everything found in a source (a local git repository, a Bitbucket Server or
GitHub repository, JIRA's development panel) is stored against that source and
linked to cards by JIRA key, not by card id: a commit may name a key before
the card exists, and the link appears as soon as a card gets that key.

``link_summary`` is the precomputed per-key digest the board's badges read in a
single query; the links service rebuilds the rows of the keys a scan touched.

The typed Core tables at the end (``link_commit_table`` …) are what the queries
in :mod:`kanban.store.links_repo` use.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)

from kanban.store.sqlmodel_tables import Field, SQLModel
from kanban.store.tables import table_of


def _utc(nullable: bool) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), nullable=nullable))


class LinkSourceRow(SQLModel, table=True):
    """One place links come from: a git path, a PR host repository or dev-status."""

    __tablename__ = "link_source"
    __table_args__ = (UniqueConstraint("kind", "location", name="uq_link_source_kind_location"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20)
    location: str = Field(max_length=1000)
    # The project keys the stored results were extracted with; a change of
    # keys makes the next scan start over, since old commits were filtered.
    # Empty while a scan has stored commits it has not reconciled yet, so a
    # scan that stops half-way is followed by a full one.
    keys: str = Field(default="", max_length=1000)
    last_scan_at: datetime | None = _utc(nullable=True)
    last_ok_at: datetime | None = _utc(nullable=True)
    last_error: str | None = Field(default=None)


class LinkRefRow(SQLModel, table=True):
    """A branch tip seen at the last scan; the next scan starts from it."""

    __tablename__ = "link_ref"

    source_id: int = Field(
        sa_column=Column(
            ForeignKey("link_source.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    name: str = Field(sa_column=Column(String(500), primary_key=True, nullable=False))
    tip: str = Field(max_length=64)


class LinkCommitRow(SQLModel, table=True):
    """A commit that names at least one configured JIRA key.

    No foreign key to ``link_source``: a first scan writes tens of thousands of
    rows and the per-row check cost a third of that; rows are removed
    explicitly with their source, as in ``link_commit_key``.
    """

    __tablename__ = "link_commit"

    source_id: int = Field(
        sa_column=Column(Integer, primary_key=True, nullable=False, autoincrement=False)
    )
    sha: str = Field(sa_column=Column(String(64), primary_key=True, nullable=False))
    subject: str = Field(default="")
    author: str = Field(default="", max_length=300)
    email: str = Field(default="", max_length=320)
    at: datetime | None = _utc(nullable=True)
    repo: str = Field(default="", max_length=300)
    url: str | None = Field(default=None, max_length=2000)


class LinkCommitKeyRow(SQLModel, table=True):
    """Which keys a commit names (several keys link several cards).

    The primary key starts with the key, so a card's commits and the badge
    counts are one index range; the table has no rowid and no other index,
    because a first scan of a large repository writes tens of thousands of
    rows here and every extra B-tree costs time. Rows are removed explicitly
    with their commit (no foreign key), which keeps inserts cheap as well.
    """

    __tablename__ = "link_commit_key"
    __table_args__ = {"sqlite_with_rowid": False}

    key: str = Field(sa_column=Column(String(50), primary_key=True, nullable=False))
    source_id: int = Field(
        sa_column=Column(Integer, primary_key=True, nullable=False, autoincrement=False)
    )
    sha: str = Field(sa_column=Column(String(64), primary_key=True, nullable=False))


class LinkBranchRow(SQLModel, table=True):
    """A branch whose name names a key."""

    __tablename__ = "link_branch"
    __table_args__ = (Index("ix_link_branch_key", "key"),)

    source_id: int = Field(
        sa_column=Column(
            ForeignKey("link_source.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    name: str = Field(sa_column=Column(String(500), primary_key=True, nullable=False))
    key: str = Field(sa_column=Column(String(50), primary_key=True, nullable=False))
    repo: str = Field(default="", max_length=300)
    url: str | None = Field(default=None, max_length=2000)


class LinkPullRequestRow(SQLModel, table=True):
    """A pull request from a PR host or from JIRA's development panel."""

    __tablename__ = "link_pr"
    __table_args__ = (UniqueConstraint("source_id", "number", name="uq_link_pr_source_number"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(
        sa_column=Column(ForeignKey("link_source.id", ondelete="CASCADE"), nullable=False)
    )
    number: str = Field(max_length=100)
    title: str = Field(default="")
    state: str = Field(max_length=20)
    source_branch: str = Field(default="", max_length=500)
    target_branch: str = Field(default="", max_length=500)
    author: str = Field(default="", max_length=300)
    reviewers: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    approvals: int = Field(default=0)
    reviewer_count: int = Field(default=0)
    created_at: datetime | None = _utc(nullable=True)
    updated_at: datetime | None = _utc(nullable=True)
    # Merged or declined at, from the host; None for JIRA's panel, which does not say.
    closed_at: datetime | None = _utc(nullable=True)
    repo: str = Field(default="", max_length=300)
    url: str = Field(default="", max_length=2000)


class LinkPullRequestKeyRow(SQLModel, table=True):
    """Which keys a pull request names (title, branch or commits)."""

    __tablename__ = "link_pr_key"
    __table_args__ = (Index("ix_link_pr_key_key", "key"),)

    pr_id: int = Field(
        sa_column=Column(
            ForeignKey("link_pr.id", ondelete="CASCADE"), primary_key=True, nullable=False
        )
    )
    key: str = Field(sa_column=Column(String(50), primary_key=True, nullable=False))


class LinkSummaryRow(SQLModel, table=True):
    """Per-key digest for the card badges, rebuilt for the keys each scan touches."""

    __tablename__ = "link_summary"

    key: str = Field(sa_column=Column(String(50), primary_key=True, nullable=False))
    commits: int = Field(default=0)
    branches: int = Field(default=0)
    branches_without_pr: int = Field(default=0)
    pr_count: int = Field(default=0)
    pr_state: str | None = Field(default=None, max_length=20)
    approvals: int = Field(default=0)
    reviewers: int = Field(default=0)
    updated_at: datetime | None = _utc(nullable=True)


class LinkAutomationRow(SQLModel, table=True):
    """The board's automation rules; a rule without a row is off."""

    __tablename__ = "link_automation"

    rule: str = Field(sa_column=Column(String(30), primary_key=True, nullable=False))
    enabled: bool = Field(default=False)


class LinkAutomationLogRow(SQLModel, table=True):
    """Each automatic move tried, so a trigger fires once and its outcome is visible."""

    __tablename__ = "link_automation_log"
    __table_args__ = (
        UniqueConstraint("rule", "trigger", "key", name="uq_link_automation_log_rule"),
        Index("ix_link_automation_log_key", "key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    rule: str = Field(max_length=30)
    trigger: str = Field(max_length=300)
    key: str = Field(max_length=50)
    at: datetime = Field(sa_column=Column(DateTime(timezone=True), nullable=False))
    outcome: str = Field(max_length=20)
    reason: str = Field(default="")
    change_id: str | None = Field(default=None, sa_type=String(36))


link_source_table = table_of(LinkSourceRow)
link_ref_table = table_of(LinkRefRow)
link_commit_table = table_of(LinkCommitRow)
link_commit_key_table = table_of(LinkCommitKeyRow)
link_branch_table = table_of(LinkBranchRow)
link_pr_table = table_of(LinkPullRequestRow)
link_pr_key_table = table_of(LinkPullRequestKeyRow)
link_summary_table = table_of(LinkSummaryRow)
link_automation_table = table_of(LinkAutomationRow)
link_automation_log_table = table_of(LinkAutomationLogRow)
