"""Commits, branches and pull requests on cards: scanning, storing, badges, automation.

``LinksService.scan`` reads every configured source in turn (local git
repositories, Bitbucket Server repositories, GitHub repositories, JIRA's
development panel). A source that fails is reported with a message naming it
and keeps everything it linked before; the other sources are still scanned.
Results are stored per source and linked to cards by JIRA key; the per-key
``link_summary`` rows are rebuilt for the keys a scan touched, so the board's
badges for all cards are one query (:meth:`LinksService.badges`).

Automation rules (each off by default, per board) move cards when something
new happens after a source's first scan: a PR opened → Review, a PR merged →
Done, the first commit naming a pool card → its author's lane, In progress.
Every move goes through :meth:`BoardService.move_card` with ``source=git`` and
a reason naming the PR or commit, so the board's rules apply; an enforced
refusal is reported and logged, never forced.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    bindparam,
    delete,
    func,
    literal,
    null,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from kanban import APP_NAME
from kanban.domain.model import Card, Column, ColumnKind, Person, Source
from kanban.domain.words import plural
from kanban.errors import InvalidInput, NotFound, RuleViolationError, UserError
from kanban.links.bitbucket import BitbucketServer
from kanban.links.devstatus import DevInfo, DevStatusClient
from kanban.links.github import GitHubRepo
from kanban.links.gitscan import GitCommit, GitScanResult, plan_scan, walk
from kanban.links.http import HostError, bearer
from kanban.links.keys import KeyMatcher, clean_project_keys
from kanban.links.model import AUTOMATION_RULES, PrState, PullRequest, Reviewer
from kanban.services.board import BoardService
from kanban.services.gcpause import gc_paused
from kanban.settings import Config
from kanban.store import db, repo
from kanban.store.tables_links import (
    LinkAutomationLogRow,
    LinkAutomationRow,
    LinkBranchRow,
    LinkCommitKeyRow,
    LinkCommitRow,
    LinkPullRequestKeyRow,
    LinkPullRequestRow,
    LinkRefRow,
    LinkSourceRow,
    LinkSummaryRow,
)

log = logging.getLogger(__name__)

source_t = LinkSourceRow.__table__  # type: ignore[attr-defined]
ref_t = LinkRefRow.__table__  # type: ignore[attr-defined]
commit_t = LinkCommitRow.__table__  # type: ignore[attr-defined]
commit_key_t = LinkCommitKeyRow.__table__  # type: ignore[attr-defined]
branch_t = LinkBranchRow.__table__  # type: ignore[attr-defined]
pr_t = LinkPullRequestRow.__table__  # type: ignore[attr-defined]
pr_key_t = LinkPullRequestKeyRow.__table__  # type: ignore[attr-defined]
summary_t = LinkSummaryRow.__table__  # type: ignore[attr-defined]
automation_t = LinkAutomationRow.__table__  # type: ignore[attr-defined]
automation_log_t = LinkAutomationLogRow.__table__  # type: ignore[attr-defined]

# Rule name → what it does, in the words the settings dialog and CLI show.
DEVSTATUS_WORKERS = 4  # issues asked about at once; JIRA rate-limits heavy clients
_CHUNK = 400  # keys per IN (...) list, well under SQLite's variable limit
_BATCH = 5000  # rows per executemany
# Commits gathered before a short write transaction while git streams: gitscan
# hands commits over whenever git is behind, so flushes fill git's time; the
# floor keeps the per-transaction cost small against the rows it writes.
_FLUSH_COMMITS = 1000


def keyring_user(kind: str, location: str) -> str:
    """The keyring entry (under the app's service name) holding a host's token."""
    return f"{kind}:{location.rstrip('/')}"


def host_token(kind: str, location: str) -> str | None:
    """A host's token from the OS keyring, or None (anonymous access)."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(APP_NAME, keyring_user(kind, location))
    except KeyringError as exc:
        log.warning("Cannot read the keyring for %s %s: %s", kind, location, exc)
        return None


def set_host_token(kind: str, location: str, token: str) -> None:
    import keyring

    keyring.set_password(APP_NAME, keyring_user(kind, location), token)


# --- settings ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GitRepoSetting:
    path: str
    name: str = ""
    # e.g. "https://bitbucket.example.com/projects/OPS/repos/infra/commits/{sha}"
    commit_url: str | None = None

    @property
    def display(self) -> str:
        return self.name or Path(self.path).name or self.path


@dataclass(frozen=True, slots=True)
class BitbucketSetting:
    url: str
    project: str
    repo: str


@dataclass(frozen=True, slots=True)
class GitHubSetting:
    repo: str  # owner/name
    api: str = "https://api.github.com"


@dataclass(frozen=True, slots=True)
class LinksSettings:
    """What to scan; kept under ``[links]`` in the config file.

    ``keys`` default to the JIRA connection's project keys (``[jira]``) when the
    links section names none.
    """

    repos: tuple[GitRepoSetting, ...] = ()
    keys: tuple[str, ...] = ()
    bitbucket: tuple[BitbucketSetting, ...] = ()
    github: tuple[GitHubSetting, ...] = ()
    devstatus: bool = True
    columns: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config) -> LinksSettings:
        section = config.extra.get("links") or {}
        if not isinstance(section, dict):
            raise InvalidInput("The [links] section of the config file must be a table.")
        repos: list[GitRepoSetting] = []
        for item in section.get("repos") or []:
            if isinstance(item, str):
                repos.append(GitRepoSetting(item))
            elif isinstance(item, dict) and item.get("path"):
                repos.append(
                    GitRepoSetting(
                        str(item["path"]), str(item.get("name") or ""), item.get("commit_url")
                    )
                )
        hosts = tuple(
            BitbucketSetting(str(b["url"]), str(b["project"]), str(b["repo"]))
            for b in section.get("bitbucket") or []
            if isinstance(b, dict) and b.get("url") and b.get("project") and b.get("repo")
        )
        github = tuple(
            GitHubSetting(str(g["repo"]), str(g.get("api") or "https://api.github.com"))
            for g in section.get("github") or []
            if isinstance(g, dict) and g.get("repo")
        )
        keys = section.get("keys") or jira_project_keys(config)
        if isinstance(keys, str):
            keys = [keys]
        return cls(
            repos=tuple(repos),
            keys=clean_project_keys(keys),
            bitbucket=hosts,
            github=github,
            devstatus=bool(section.get("devstatus", True)),
            columns=dict(section.get("columns") or {}),
        )

    def save_to(self, config: Config) -> None:
        """Write the settings back into ``config.extra['links']`` (not saved to disk)."""
        section = dict(config.extra.get("links") or {})
        section["bitbucket"] = [
            {"url": b.url, "project": b.project, "repo": b.repo} for b in self.bitbucket
        ]
        section["github"] = [{"repo": g.repo, "api": g.api} for g in self.github]
        section["devstatus"] = self.devstatus
        section["repos"] = [
            {
                k: v
                for k, v in (("path", r.path), ("name", r.name), ("commit_url", r.commit_url))
                if v
            }
            for r in self.repos
        ]
        section["keys"] = list(self.keys)
        config.extra["links"] = section


def jira_project_keys(config: Config) -> list[str]:
    """The JIRA connection's project keys, whichever spelling its settings use."""
    jira = config.extra.get("jira") or {}
    if not isinstance(jira, dict):
        return []
    for name in ("project_keys", "projects", "keys", "project"):
        value = jira.get(name)
        if isinstance(value, str) and value.strip():
            return [v for v in value.replace(" ", ",").split(",") if v]
        if isinstance(value, list) and value:
            return [str(v) for v in value]
    return []


def devstatus_client_from_config(config: Config) -> DevStatusClient | None:
    """A dev-status client for the board's JIRA connection, if one is set up.

    Uses the sync feature's settings (``[jira]``) and token (its keyring entry,
    or ``KANBAN_JIRA_TOKEN`` where there is no keyring): Bearer for a DC
    personal access token, Basic (e-mail + API token) for Cloud.
    """
    from kanban.links.http import basic
    from kanban.sync.settings import AUTH_CLOUD, JiraSettings, load_token

    settings = JiraSettings.load(config)
    if not settings.url:
        return None
    token, note = load_token(settings)
    if note:
        log.info("JIRA development info: %s", note)
    if token and settings.auth == AUTH_CLOUD and settings.user:
        headers = basic(settings.user, token)
    else:
        headers = bearer(token)
    return DevStatusClient(settings.url, headers, timeout=settings.timeout)


# --- reports -------------------------------------------------------------------


@dataclass(slots=True)
class SourceReport:
    """How one source's scan went."""

    kind: str
    location: str
    ok: bool = True
    error: str | None = None
    unchanged: bool = False
    new_commits: int = 0
    removed_commits: int = 0
    walked: int = 0
    branches: int = 0
    pull_requests: int = 0
    rewritten: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "location": self.location,
            "ok": self.ok,
            "error": self.error,
            "unchanged": self.unchanged,
            "new_commits": self.new_commits,
            "removed_commits": self.removed_commits,
            "commits_read": self.walked,
            "branches": self.branches,
            "pull_requests": self.pull_requests,
            "rewritten_branches": self.rewritten,
        }


@dataclass(frozen=True, slots=True)
class AutomationOutcome:
    rule: str
    key: str
    outcome: str  # moved | refused | skipped
    message: str
    change_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "key": self.key,
            "outcome": self.outcome,
            "message": self.message,
            "change_id": self.change_id,
        }


@dataclass(slots=True)
class ScanReport:
    sources: list[SourceReport] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    automation: list[AutomationOutcome] = field(default_factory=list)
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources)

    @property
    def errors(self) -> list[str]:
        return [s.error for s in self.sources if s.error]

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "cancelled": self.cancelled,
            "sources": [s.as_dict() for s in self.sources],
            "keys_touched": sorted(self.keys),
            "automation": [a.as_dict() for a in self.automation],
        }


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """The badge data of one key."""

    key: str
    commits: int
    branches: int
    branches_without_pr: int
    pr_count: int
    pr_state: str | None
    approvals: int
    reviewers: int

    def badges(self) -> list[str]:
        """Short texts readable on the wall, most important first."""
        out: list[str] = []
        if self.pr_state:
            text = f"PR {self.pr_state.lower()}"
            if self.pr_state == PrState.OPEN and self.reviewers:
                text += f" {self.approvals}/{self.reviewers}"
            out.append(text)
        if self.commits:
            out.append(plural(self.commits, "commit"))
        if self.branches_without_pr:
            out.append("branch, no PR")
        return out

    def notes(self) -> list[str]:
        """The badges in full sentences, for the card's tooltip."""
        out: list[str] = []
        if self.pr_state:
            state = self.pr_state.lower()
            if self.pr_count == 1:
                text = f"Pull request {state}"
            elif self.pr_state == PrState.OPEN:
                # The summary keeps the state shown, not how many are open.
                text = f"{self.pr_count} pull requests, one or more open"
            elif self.pr_state == PrState.MERGED:
                text = f"{self.pr_count} pull requests, merged, none open"
            else:
                text = f"{self.pr_count} pull requests, all declined"
            if self.pr_state == PrState.OPEN and self.reviewers:
                text += f": {self.approvals} of {plural(self.reviewers, 'reviewer')} approved"
            out.append(text)
        if self.commits:
            out.append(f"{plural(self.commits, 'commit')} naming {self.key}")
        if self.branches_without_pr:
            out.append(f"{plural(self.branches_without_pr, 'branch')} without a pull request")
        return out


@dataclass(frozen=True, slots=True)
class _Trigger:
    rule: str
    trigger: str
    key: str
    reason: str
    author: str
    email: str = ""


# --- the service -----------------------------------------------------------------


class LinksService:
    """Links of one board's database.

    Args:
        board: the board's service; automatic moves go through it.
    """

    def __init__(self, board: BoardService) -> None:
        self.board = board
        self.engine: Engine = board.engine

    @contextlib.contextmanager
    def _write(self, *, checkpoint: bool = True) -> Iterator[Connection]:
        with (
            db.known_errors(self.board.url),
            db.write_transaction(self.engine, checkpoint=checkpoint) as conn,
        ):
            yield conn

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        with db.known_errors(self.board.url), db.read_transaction(self.engine) as conn:
            yield conn

    # --- scanning ------------------------------------------------------------

    def scan(
        self,
        settings: LinksSettings,
        *,
        devstatus: DevStatusClient | None = None,
        pr_clients: Sequence[BitbucketServer | GitHubRepo] | None = None,
        devstatus_keys: Iterable[str] | None = None,
        progress: Callable[[str], None] | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> ScanReport:
        """Scan every source; never raises for one source's failure.

        Args:
            settings: repositories, hosts and project keys.
            devstatus: a client for JIRA's development panel, when a JIRA
                connection is configured (the caller builds it with its auth).
            pr_clients: PR host clients to use instead of building them from
                ``settings.bitbucket`` with keyring tokens.
            devstatus_keys: which issue keys to ask JIRA about; default: the keys
                of cards that are neither archived nor done.
            progress: called with a line of text before each source.
            cancel: polled between sources; True stops the scan early.

        Raises:
            InvalidInput: no project keys are configured.
        """
        if not settings.keys:
            raise InvalidInput(
                "No JIRA project keys to look for. Give them with --keys OPS,PROJ, put "
                'keys = ["OPS"] under [links] in the config file, or set up the JIRA '
                "connection."
            )
        matcher = KeyMatcher(settings.keys)
        report = ScanReport()
        triggers: list[_Trigger] = []
        say = progress or (lambda _msg: None)
        stop = cancel or (lambda: False)
        for setting in settings.repos:
            if stop():
                report.cancelled = True
                break
            say(f"Scanning git repository {setting.path}")
            self._guard(
                report,
                "git",
                str(Path(setting.path).expanduser()),
                lambda sr, s=setting: self._scan_git(s, matcher, sr, report, triggers),
            )
        clients: list[BitbucketServer | GitHubRepo] = (
            list(pr_clients) if pr_clients is not None else self._pr_clients(settings)
        )
        for client in clients:
            if stop():
                report.cancelled = True
                break
            say(f"Reading pull requests of {client.client.what}")
            self._guard(
                report,
                client.kind,
                client.location,
                lambda sr, c=client: self._scan_prs(c, matcher, sr, report, triggers, say),
            )
        if devstatus is not None and settings.devstatus and not report.cancelled:
            say(f"Reading {devstatus.client.what}")
            keys = list(devstatus_keys) if devstatus_keys is not None else self._open_card_keys()
            self._guard(
                report,
                devstatus.kind,
                devstatus.location,
                lambda sr: self._scan_devstatus(
                    devstatus, keys, matcher, sr, report, triggers, stop
                ),
            )
        if triggers:
            report.automation.extend(self._automate(triggers, settings))
        return report

    def _pr_clients(self, settings: LinksSettings) -> list[BitbucketServer | GitHubRepo]:
        """Clients for the configured PR hosts, with their tokens from the keyring."""
        clients: list[BitbucketServer | GitHubRepo] = [
            BitbucketServer(b.url, b.project, b.repo, bearer(host_token("bitbucket", b.url)))
            for b in settings.bitbucket
        ]
        for g in settings.github:
            clients.append(GitHubRepo(g.repo, g.api, bearer(host_token("github", g.api))))
        return clients

    def _guard(
        self,
        report: ScanReport,
        kind: str,
        location: str,
        body: Callable[[SourceReport], None],
    ) -> None:
        """Run one source's scan; a failure is recorded on the source and reported."""
        sr = SourceReport(kind, location)
        report.sources.append(sr)
        try:
            body(sr)
        except _SourceForgotten as exc:
            sr.ok, sr.error = False, str(exc)
            return  # recording the failure would bring the forgotten source back
        except UserError as exc:
            sr.ok, sr.error = False, str(exc)
        except Exception as exc:  # noqa: BLE001 - one bad source must not stop the others
            log.exception("Unexpected failure scanning %s %s", kind, location)
            sr.ok = False
            sr.error = (
                f"Scanning {kind} source {location} failed unexpectedly ({type(exc).__name__}: "
                f"{exc}); its links are kept. Details are in the log file."
            )
        if not sr.ok:
            log.warning("Links scan of %s %s failed: %s", kind, location, sr.error)
            try:
                with self._write() as conn:
                    sid = _source_id(conn, kind, location)
                    conn.execute(
                        update(source_t)
                        .where(source_t.c.id == sid)
                        .values(last_scan_at=repo.now(), last_error=sr.error)
                    )
            except UserError:
                log.exception("Could not record the failure of %s", location)

    def _scan_git(
        self,
        setting: GitRepoSetting,
        matcher: KeyMatcher,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[_Trigger],
    ) -> None:
        location = sr.location
        with self._read() as conn:
            src = _find_source(conn, "git", location)
            tips: dict[str, str] = {}
            baseline = src is None or src.last_ok_at is None
            keys_changed = src is not None and src.keys != matcher.signature
            if src is not None and not keys_changed:
                tips = {
                    r.name: r.tip
                    for r in conn.execute(
                        select(ref_t.c.name, ref_t.c.tip).where(ref_t.c.source_id == src.id)
                    )
                }
        plan = plan_scan(location, matcher, tips, full=keys_changed)
        sr.branches = len(plan.branch_keys)
        sr.rewritten = plan.rewritten
        if not plan.changed:
            sr.unchanged = True
            if src is not None and src.last_error is None:
                return  # nothing moved: not even a write
        if src is None:
            with self._write() as conn:
                sid = _source_id(conn, "git", location)
        else:
            sid = int(src.id)
        # Commits are stored while git is still printing them, in short transactions
        # (see _GitWriter), so storing overlaps git's work and never locks the board
        # for the length of a large history.
        writer = _GitWriter(self, sid, setting, plan, keep=not baseline and not plan.full)
        with gc_paused():
            walk(location, plan, matcher, sink=writer.add)
            with self._write() as conn:
                touched = writer.finish(conn, sr)
                _mark_ok(conn, sid, matcher.signature)
                _rebuild_summaries(conn, touched)
        sr.walked = plan.walked
        report.keys |= touched
        for commit in writer.kept:
            for key in commit.keys:
                triggers.append(
                    _Trigger(
                        "first_commit",
                        commit.sha,
                        key,
                        f"Commit {commit.sha[:10]} '{commit.subject[:80]}' by "
                        f"{commit.author} in {setting.display}",
                        commit.author,
                        commit.email,
                    )
                )

    def _scan_prs(
        self,
        client: BitbucketServer | GitHubRepo,
        matcher: KeyMatcher,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[_Trigger],
        say: Callable[[str], None],
    ) -> None:
        kind, location = client.kind, client.location
        with self._read() as conn:
            src = _find_source(conn, kind, location)
            previous = _previous_prs(conn, src.id) if src is not None else {}
            baseline = src is None or src.last_ok_at is None
            if src is not None and src.keys != matcher.signature:
                previous = {}
        known = {n: (p[1], p[2]) for n, p in previous.items()}
        if isinstance(client, GitHubRepo):
            prs = client.pull_requests(
                matcher,
                known,
                progress=say,
                previous_reviewers={n: p[3] for n, p in previous.items()},
            )
        else:
            prs = client.pull_requests(matcher, known, progress=say)
        sr.pull_requests = len(prs)
        with self._write() as conn:
            sid = _source_id(conn, kind, location)
            touched = _store_prs(conn, sid, prs)
            _mark_ok(conn, sid, matcher.signature)
            _rebuild_summaries(conn, touched)
        report.keys |= touched
        if not baseline:
            triggers.extend(_pr_triggers(prs, previous, client.client.what))

    def _scan_devstatus(
        self,
        client: DevStatusClient,
        keys: Sequence[str],
        matcher: KeyMatcher,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[_Trigger],
        stop: Callable[[], bool],
    ) -> None:
        location = client.location
        with self._read() as conn:
            src = _find_source(conn, client.kind, location)
            baseline = src is None or src.last_ok_at is None
            previous = _previous_prs(conn, src.id) if src is not None else {}
            known = (
                set(
                    conn.execute(
                        select(commit_t.c.sha).where(commit_t.c.source_id == src.id)
                    ).scalars()
                )
                if src is not None
                else set()
            )
        failures: list[str] = []

        def fetch(key: str) -> DevInfo | HostError:
            try:
                return client.development(key, matcher)
            except HostError as exc:
                return exc

        # Several issues are asked about at once (each is 3-5 small requests);
        # results are stored here, in order, one short transaction per issue.
        with ThreadPoolExecutor(max_workers=DEVSTATUS_WORKERS) as pool:
            for start in range(0, len(keys), DEVSTATUS_WORKERS * 4):
                if stop():
                    report.cancelled = True
                    break
                chunk = list(keys[start : start + DEVSTATUS_WORKERS * 4])
                for key, info in zip(chunk, pool.map(fetch, chunk), strict=True):
                    if isinstance(info, HostError):
                        if info.status in (401, 403):
                            raise info  # the same for every issue: stop and say so once
                        failures.append(f"{key}: {info}")
                        continue
                    self._store_dev(client, info, sr, report, triggers, known, previous, baseline)
        with self._write() as conn:
            sid = _source_id(conn, client.kind, location)
            if failures:
                sr.ok = False
                sr.error = (
                    f"JIRA development info at {location} failed for {len(failures)} of "
                    f"{len(keys)} issues; links found before are kept. First: {failures[0]}"
                )
            else:
                _mark_ok(conn, sid, matcher.signature)

    def _store_dev(
        self,
        client: DevStatusClient,
        info: DevInfo,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[_Trigger],
        known: set[str],
        previous: Mapping[str, tuple[Any, ...]],
        baseline: bool,
    ) -> None:
        location = client.location
        with self._write() as conn:
            sid = _source_id(conn, client.kind, location)
            touched = _store_devinfo(conn, sid, info)
            _rebuild_summaries(conn, touched)
        report.keys |= touched
        sr.new_commits += sum(1 for c in info.commits if c.sha not in known)
        sr.pull_requests += len(info.pull_requests)
        sr.branches += len(info.branches)
        if not baseline:
            triggers.extend(_pr_triggers(info.pull_requests, previous, "JIRA development info"))
            for c in info.commits:
                if c.sha not in known:
                    for k in c.keys:
                        triggers.append(
                            _Trigger(
                                "first_commit",
                                c.sha,
                                k,
                                f"Commit {c.sha[:10]} '{c.subject[:80]}' by {c.author} "
                                f"in {c.repo} (JIRA development info)",
                                c.author,
                            )
                        )

    def _open_card_keys(self) -> list[str]:
        snap = self.board.snapshot()
        done = {c.id for c in snap.columns if c.kind is ColumnKind.DONE}
        return sorted(c.jira_key for c in snap.cards if c.jira_key and c.column_id not in done)

    # --- reading -------------------------------------------------------------

    def summaries(self) -> dict[str, LinkSummary]:
        """Per card id (cards with links only), the badge data; one query."""
        card_t = repo.card_t
        stmt = (
            select(card_t.c.id, summary_t)
            .join(summary_t, summary_t.c.key == card_t.c.jira_key)
            .where(card_t.c.archived.is_(False))
        )
        with self._read() as conn:
            return {
                row.id: LinkSummary(
                    row.key,
                    row.commits,
                    row.branches,
                    row.branches_without_pr,
                    row.pr_count,
                    row.pr_state,
                    row.approvals,
                    row.reviewers,
                )
                for row in conn.execute(stmt)
            }

    def badges(self) -> dict[str, list[str]]:
        """Per card id, the badge texts (e.g. ``["PR open 1/2", "3 commits"]``)."""
        return _badge_texts(self.summaries())

    def badges_with_notes(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The badge texts and, per card id, the same in sentences for its tooltip."""
        summaries = self.summaries()
        texts = _badge_texts(summaries)
        return texts, {cid: summaries[cid].notes() for cid in texts}

    def card_links(self, card_ref: str) -> dict[str, Any]:
        """The commits, branches and PRs of one card (by id, id prefix or key)."""
        card = self.board.card(card_ref)
        with self._read() as conn:
            return _card_links(conn, card)

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its last scan time and error, for the settings view."""
        with self._read() as conn:
            return [
                {
                    "kind": r.kind,
                    "location": r.location,
                    "last_scan_at": repo.utc(r.last_scan_at),
                    "last_ok_at": repo.utc(r.last_ok_at),
                    "last_error": r.last_error,
                }
                for r in conn.execute(select(source_t).order_by(source_t.c.id))
            ]

    def forget_source(self, location: str) -> int:
        """Drop everything a source linked (a repository removed from the settings).

        Returns how many sources matched ``location`` (a path or host URL).

        Raises:
            NotFound: no source has that location.
        """
        wanted = location.rstrip("/")
        candidates = {wanted, str(Path(location).expanduser())}
        with self._write() as conn:
            rows = [
                r
                for r in conn.execute(select(source_t.c.id, source_t.c.location))
                if r.location.rstrip("/") in candidates
            ]
            if not rows:
                known = ", ".join(r.location for r in conn.execute(select(source_t.c.location)))
                raise NotFound(f"No links source '{location}'. Known sources: {known or 'none'}.")
            touched: set[str] = set()
            for row in rows:
                sid = row.id
                touched |= _keys_of_commits(conn, sid, None)
                touched |= set(
                    conn.execute(
                        select(branch_t.c.key).where(branch_t.c.source_id == sid)
                    ).scalars()
                )
                touched |= set(
                    conn.execute(
                        select(pr_key_t.c.key)
                        .join(pr_t, pr_t.c.id == pr_key_t.c.pr_id)
                        .where(pr_t.c.source_id == sid)
                    ).scalars()
                )
                # Children first: not every database enforces ON DELETE CASCADE.
                _delete_commits(conn, sid, None)
                conn.execute(
                    delete(pr_key_t).where(
                        pr_key_t.c.pr_id.in_(select(pr_t.c.id).where(pr_t.c.source_id == sid))
                    )
                )
                for table in (pr_t, branch_t, ref_t):
                    conn.execute(delete(table).where(table.c.source_id == sid))
                conn.execute(delete(source_t).where(source_t.c.id == sid))
            _rebuild_summaries(conn, touched)
        return len(rows)

    # --- automation ------------------------------------------------------------

    def automation(self) -> dict[str, bool]:
        with self._read() as conn:
            stored = {r.rule: bool(r.enabled) for r in conn.execute(select(automation_t))}
        return {rule: stored.get(rule, False) for rule in AUTOMATION_RULES}

    def set_automation(self, rule: str, enabled: bool) -> dict[str, bool]:
        if rule not in AUTOMATION_RULES:
            raise InvalidInput(
                f"Unknown automation rule '{rule}'; the rules are {', '.join(AUTOMATION_RULES)}."
            )
        with self._write() as conn:
            conn.execute(delete(automation_t).where(automation_t.c.rule == rule))
            conn.execute(automation_t.insert().values(rule=rule, enabled=enabled))
        return self.automation()

    def _automate(
        self, triggers: Sequence[_Trigger], settings: LinksSettings
    ) -> list[AutomationOutcome]:
        enabled = self.automation()
        wanted = [t for t in triggers if enabled.get(t.rule)]
        if not wanted:
            return []
        # A PR merged in the same scan that saw it opened only needs the merge move.
        merged = {(t.trigger, t.key) for t in wanted if t.rule == "pr_merged"}
        wanted = [t for t in wanted if not (t.rule == "pr_opened" and (t.trigger, t.key) in merged)]
        snap = self.board.snapshot()
        cards = {c.jira_key: c for c in snap.cards if c.jira_key}
        outcomes: list[AutomationOutcome] = []
        done_first: set[str] = set()
        for trig in wanted:
            card = cards.get(trig.key)
            if card is None:
                continue
            if trig.rule == "first_commit" and trig.key in done_first:
                continue
            with self._read() as conn:
                if _already_fired(conn, trig):
                    continue
            outcome = self._move_for(trig, card, snap.columns, snap.people, settings)
            if trig.rule == "first_commit":
                done_first.add(trig.key)
            with self._write() as conn:
                conn.execute(
                    automation_log_t.insert().values(
                        rule=trig.rule,
                        trigger=trig.trigger[:300],
                        key=trig.key,
                        at=repo.now(),
                        outcome=outcome.outcome,
                        reason=outcome.message,
                        change_id=outcome.change_id,
                    )
                )
            outcomes.append(outcome)
            if outcome.change_id:
                cards[trig.key] = self.board.card(card.id)
        return outcomes

    def _move_for(
        self,
        trig: _Trigger,
        card: Card,
        columns: Sequence[Column],
        people: Sequence[Person],
        settings: LinksSettings,
    ) -> AutomationOutcome:
        current = next(c for c in columns if c.id == card.column_id)
        person = _match_author(people, trig.author, trig.email)
        target: Column | None
        if trig.rule == "first_commit":
            if current.kind is not ColumnKind.POOL:
                return AutomationOutcome(trig.rule, trig.key, "skipped", "card already started")
            target = _column_named(columns, settings.columns.get("in_progress", "In progress"))
            target = target or next((c for c in columns if c.kind is ColumnKind.ACTIVE), None)
            if person is None:
                return AutomationOutcome(
                    trig.rule,
                    trig.key,
                    "skipped",
                    f"{trig.reason}: no team member matches the author '{trig.author}'; "
                    "add them (with their e-mail) to move cards into their lane.",
                )
            person_ref: int | None = person.id
        else:
            if trig.rule == "pr_opened":
                target = _column_named(columns, settings.columns.get("review", "Review"))
            else:
                name = settings.columns.get("done")
                target = _column_named(columns, name) if name else None
                target = target or next((c for c in columns if c.kind is ColumnKind.DONE), None)
            if target is None:
                return AutomationOutcome(
                    trig.rule,
                    trig.key,
                    "skipped",
                    f"{trig.reason}: the board has no column for this rule; name it under "
                    "[links.columns] in the config file.",
                )
            if current.kind is ColumnKind.DONE or current.order >= target.order:
                return AutomationOutcome(
                    trig.rule, trig.key, "skipped", f"card is already in '{current.name}'"
                )
            person_ref = card.person_id or (person.id if person else None)
        if target is None:
            return AutomationOutcome(trig.rule, trig.key, "skipped", "no active column")
        try:
            result = self.board.move_card(
                card.id,
                column=target.id,
                person=person_ref,
                source=Source.GIT,
                override_reason=trig.reason,
            )
        except RuleViolationError as exc:
            return AutomationOutcome(
                trig.rule,
                trig.key,
                "refused",
                f"{trig.reason}: not moved to '{target.name}': {exc}",
            )
        except UserError as exc:
            return AutomationOutcome(
                trig.rule, trig.key, "refused", f"{trig.reason}: not moved: {exc}"
            )
        log.info("Moved %s to %s: %s", trig.key, target.name, trig.reason)
        return AutomationOutcome(
            trig.rule,
            trig.key,
            "moved",
            f"{trig.reason}: moved to '{target.name}'",
            result.change_id or None,
        )


# --- storage (Core queries; the service owns the transactions) -------------------


def _insert_ignore(conn: Connection, table: Any, rows: Sequence[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "sqlite":
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    elif dialect == "postgresql":
        stmt = postgresql.insert(table).on_conflict_do_nothing()
    else:
        stmt = table.insert().prefix_with("IGNORE")
    for i in range(0, len(rows), _BATCH):
        conn.execute(stmt, list(rows[i : i + _BATCH]))


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(values)
    for i in range(0, len(items), _CHUNK):
        yield items[i : i + _CHUNK]


def _find_source(conn: Connection, kind: str, location: str) -> Any:
    return conn.execute(
        select(source_t).where(source_t.c.kind == kind, source_t.c.location == location)
    ).first()


def _source_id(conn: Connection, kind: str, location: str) -> int:
    row = _find_source(conn, kind, location)
    if row is not None:
        return int(row.id)
    result = conn.execute(source_t.insert().values(kind=kind, location=location, keys=""))
    return int(result.inserted_primary_key[0])


def _mark_ok(conn: Connection, sid: int, signature: str) -> None:
    now = repo.now()
    conn.execute(
        update(source_t)
        .where(source_t.c.id == sid)
        .values(last_scan_at=now, last_ok_at=now, last_error=None, keys=signature)
    )


def _keys_of_commits(conn: Connection, sid: int, shas: Iterable[str] | None) -> set[str]:
    stmt = select(commit_key_t.c.key).where(commit_key_t.c.source_id == sid).distinct()
    if shas is None:
        return set(conn.execute(stmt).scalars())
    keys: set[str] = set()
    for chunk in _chunks(shas):
        keys |= set(conn.execute(stmt.where(commit_key_t.c.sha.in_(chunk))).scalars())
    return keys


def _delete_commits(conn: Connection, sid: int, shas: Iterable[str] | None) -> int:
    """Delete commits of a source with their key links; returns how many commits went."""
    if shas is None:
        conn.execute(delete(commit_key_t).where(commit_key_t.c.source_id == sid))
        return int(conn.execute(delete(commit_t).where(commit_t.c.source_id == sid)).rowcount)
    removed = 0
    for chunk in _chunks(shas):
        conn.execute(
            delete(commit_key_t).where(
                commit_key_t.c.source_id == sid, commit_key_t.c.sha.in_(chunk)
            )
        )
        removed += conn.execute(
            delete(commit_t).where(commit_t.c.source_id == sid, commit_t.c.sha.in_(chunk))
        ).rowcount
    return removed


def _badge_texts(summaries: Mapping[str, LinkSummary]) -> dict[str, list[str]]:
    """Per card id with something to show, its badge texts."""
    return {cid: texts for cid, summary in summaries.items() if (texts := summary.badges())}


class _SourceForgotten(UserError):
    """The source was removed while it was scanned: report it, record nothing for it."""


_SHA = operator.attrgetter("sha")
_KEYS = operator.attrgetter("keys")


class _GitWriter:
    """Stores one git scan while git is still printing it.

    Commits go to the database in flushes of ``_FLUSH_COMMITS``, each its own
    short write transaction: a board move waits for one flush at most, never for
    git, and the inserts run while git prints the rest. Until :meth:`finish`
    rows are only added, never removed, so meanwhile a reader sees the old links
    plus some new ones, never fewer. :meth:`finish` (in the caller's final
    transaction, with the tips) removes what the scan shows is gone: after a
    full scan, the commits no longer reachable or no longer naming a key; after
    an incremental one, the orphaned commits of rewritten or deleted branches.
    A scan that fails before that keeps everything; the tips are stored only by
    :meth:`finish`, so the next scan walks the same commits again.
    """

    def __init__(
        self,
        service: LinksService,
        sid: int,
        setting: GitRepoSetting,
        plan: GitScanResult,
        keep: bool,
    ) -> None:
        self.service, self.sid, self.setting, self.plan = service, sid, setting, plan
        self.repo_name = setting.display[:300]
        self.touched: set[str] = set()
        self.kept: list[GitCommit] = []
        self._keep = keep
        self._new: set[str] = set()
        self._stored: set[str] = set()
        self._pending: list[GitCommit] = []
        self._marked = False
        if plan.full:
            with service._read() as conn:
                self._stored = set(
                    conn.execute(
                        select(commit_t.c.sha).where(commit_t.c.source_id == sid)
                    ).scalars()
                )
        # A full rescan over stored commits may find fewer keys in some of them (the
        # project keys changed): their key pairs are compared at the end.
        self._pairs: set[tuple[str, str]] | None = set() if self._stored else None

    def add(self, batch: list[GitCommit]) -> None:
        # map and chain keep these per-commit loops in C: a first scan passes tens
        # of thousands of commits through here.
        self._new.update(map(_SHA, batch))
        self.touched.update(itertools.chain.from_iterable(map(_KEYS, batch)))
        if self._pairs is not None:
            self._pairs.update((k, c.sha) for c in batch for k in c.keys)
        if self._keep:
            self.kept.extend(batch)
        self._pending.extend(batch)
        if len(self._pending) >= _FLUSH_COMMITS:
            # The final transaction (finish) checkpoints the log once for all flushes.
            with self.service._write(checkpoint=False) as conn:
                self._flush(conn, early=True)

    def _flush(self, conn: Connection, *, early: bool = False) -> None:
        batch, self._pending = self._pending, []
        if not batch:
            return
        # The source may have been forgotten (kanban links forget) while git ran:
        # nothing may be stored under its id any more, with no row to own it.
        if conn.execute(select(source_t.c.id).where(source_t.c.id == self.sid)).first() is None:
            raise _SourceForgotten(
                f"{self.setting.display} was removed from the scanned sources while it was "
                "being scanned; nothing of this scan was kept."
            )
        if early and not self._marked:
            # Until finish() reconciles, the stored commits are not what the stored
            # tips say: an empty key signature makes the next scan a full one if
            # this one never finishes (commits of a branch deleted meanwhile would
            # otherwise stay linked for ever).
            conn.execute(update(source_t).where(source_t.c.id == self.sid).values(keys=""))
            self._marked = True
        sid, repo_name, url = self.sid, self.repo_name, self.setting.commit_url
        # SQLite keeps the date as the text git printed; other databases get datetimes.
        as_text = conn.dialect.name == "sqlite"
        rows = [
            (
                sid,
                c.sha,
                c.subject[:2000],
                c.author[:300],
                c.email[:320],
                c.date if as_text else c.at,
                repo_name,
                url.format(sha=c.sha) if url else None,
            )
            for c in batch
        ]
        _bulk_insert(conn, commit_t, rows)
        _bulk_insert(conn, commit_key_t, [(k, sid, c.sha) for c in batch for k in c.keys])

    def finish(self, conn: Connection, sr: SourceReport) -> set[str]:
        """Store the rest and reconcile, inside the caller's write transaction."""
        self._flush(conn)
        sid, plan = self.sid, self.plan
        if plan.full:
            gone = self._stored - plan.all_shas
            dropped = (self._stored - self._new) | gone
            self.touched |= _keys_of_commits(conn, sid, dropped)
            _delete_commits(conn, sid, dropped)
            if self._pairs is not None:
                self._drop_stale_keys(conn)
            sr.removed_commits = len(gone)
            sr.new_commits = len(self._new - self._stored)
        else:
            removed = 0
            if plan.orphaned:
                self.touched |= _keys_of_commits(conn, sid, plan.orphaned)
                removed = _delete_commits(conn, sid, plan.orphaned)
            sr.removed_commits = removed
            sr.new_commits = len(self._new)
        # Branches and tips are few: replace them.
        self.touched |= set(
            conn.execute(select(branch_t.c.key).where(branch_t.c.source_id == sid)).scalars()
        )
        conn.execute(delete(branch_t).where(branch_t.c.source_id == sid))
        _insert_ignore(
            conn,
            branch_t,
            [
                {"source_id": sid, "name": n[:500], "key": k, "repo": self.repo_name, "url": None}
                for n, keys in plan.branch_keys.items()
                for k in keys
            ],
        )
        self.touched |= {k for keys in plan.branch_keys.values() for k in keys}
        conn.execute(delete(ref_t).where(ref_t.c.source_id == sid))
        _insert_ignore(
            conn,
            ref_t,
            [{"source_id": sid, "name": n[:500], "tip": t} for n, t in plan.tips.items()],
        )
        return self.touched

    def _drop_stale_keys(self, conn: Connection) -> None:
        """Drop key links that a stored commit no longer makes under the current keys."""
        assert self._pairs is not None  # noqa: S101 - only called after a full rescan
        stale = [
            (row.key, row.sha)
            for row in conn.execute(
                select(commit_key_t.c.key, commit_key_t.c.sha).where(
                    commit_key_t.c.source_id == self.sid
                )
            )
            if (row.key, row.sha) not in self._pairs
        ]
        if not stale:
            return
        self.touched |= {key for key, _sha in stale}
        conn.execute(
            delete(commit_key_t).where(
                commit_key_t.c.source_id == self.sid,
                commit_key_t.c.key == bindparam("stale_key"),
                commit_key_t.c.sha == bindparam("stale_sha"),
            ),
            [{"stale_key": k, "stale_sha": sha} for k, sha in stale],
        )


def _bulk_insert(conn: Connection, table: Any, rows: list[tuple[Any, ...]]) -> None:
    """Insert-or-ignore many rows given in column order.

    On SQLite the rows go straight to the driver's executemany: for a first scan
    of a large repository, SQLAlchemy's per-row parameter processing would cost
    more than git itself. Datetimes are written in SQLAlchemy's own SQLite format.
    """
    if not rows:
        return
    names = [c.name for c in table.columns]
    if conn.dialect.name == "sqlite":
        for i, column in enumerate(table.columns):
            # A caller passes a column's times all as datetimes or all as text already
            # in SQLite's form (a git commit's date): the first value tells which.
            sample = next((r[i] for r in rows if r[i] is not None), None)
            if isinstance(column.type, DateTime) and isinstance(sample, datetime):
                # isoformat(" ") of naive UTC is the text SQLAlchemy itself writes for
                # SQLite (and parses back), several times faster than strftime. Text
                # already in that form (a git commit's date) is passed as it is.
                rows = [
                    r
                    if r[i] is None
                    else (
                        *r[:i],
                        r[i].astimezone(UTC).replace(tzinfo=None).isoformat(" "),
                        *r[i + 1 :],
                    )
                    for r in rows
                ]
        quoted = ", ".join(f'"{n}"' for n in names)
        one = "(" + ", ".join("?" for _ in names) + ")"
        driver = conn.connection.driver_connection
        assert driver is not None  # noqa: S101 - an open connection has a driver
        # Many rows per statement: a quarter fewer statement steps than one per row
        # (measured), and the parameters are flattened in C by chain.
        per = max(1, 900 // len(names))
        full, rest = divmod(len(rows), per)
        flat = itertools.chain.from_iterable
        if full:
            sql = f"INSERT OR IGNORE INTO {table.name} ({quoted}) VALUES " + ", ".join([one] * per)
            driver.executemany(
                sql, (list(flat(rows[i * per : (i + 1) * per])) for i in range(full))
            )
        if rest:
            sql = f"INSERT OR IGNORE INTO {table.name} ({quoted}) VALUES " + ", ".join([one] * rest)
            driver.execute(sql, list(flat(rows[full * per :])))
        return
    _insert_ignore(conn, table, [dict(zip(names, row, strict=True)) for row in rows])


def _previous_prs(
    conn: Connection, sid: int
) -> dict[str, tuple[str, datetime | None, tuple[str, ...], tuple[Reviewer, ...]]]:
    """Per PR number: state, update time, keys and reviewers as stored."""
    keys: dict[int, list[str]] = {}
    for row in conn.execute(
        select(pr_key_t.c.pr_id, pr_key_t.c.key)
        .join(pr_t, pr_t.c.id == pr_key_t.c.pr_id)
        .where(pr_t.c.source_id == sid)
    ):
        keys.setdefault(row.pr_id, []).append(row.key)
    return {
        row.number: (
            row.state,
            repo.utc(row.updated_at),
            tuple(sorted(keys.get(row.id, []))),
            tuple(
                Reviewer(str(r.get("name", "")), bool(r.get("approved")), str(r.get("status", "")))
                for r in row.reviewers or []
                if isinstance(r, dict)
            ),
        )
        for row in conn.execute(
            select(
                pr_t.c.id, pr_t.c.number, pr_t.c.state, pr_t.c.updated_at, pr_t.c.reviewers
            ).where(pr_t.c.source_id == sid)
        )
    }


def _store_prs(
    conn: Connection, sid: int, prs: Sequence[PullRequest], replace_keys_of: str | None = None
) -> set[str]:
    """Upsert PRs of a source; a PR no longer listed is kept (nothing linked is lost)."""
    touched: set[str] = set()
    existing = {
        row.number: row.id
        for row in conn.execute(select(pr_t.c.id, pr_t.c.number).where(pr_t.c.source_id == sid))
    }
    for pr in prs:
        values = {
            "title": pr.title[:2000],
            "state": pr.state.value,
            "source_branch": pr.source_branch[:500],
            "target_branch": pr.target_branch[:500],
            "author": pr.author[:300],
            "reviewers": [r.as_dict() for r in pr.reviewers],
            "approvals": pr.approvals,
            "reviewer_count": len(pr.reviewers),
            "created_at": pr.created_at,
            "updated_at": pr.updated_at,
            "closed_at": pr.closed_at,
            "repo": pr.repo[:300],
            "url": pr.url[:2000],
        }
        pr_id = existing.get(pr.number)
        if pr_id is None:
            result = conn.execute(pr_t.insert().values(source_id=sid, number=pr.number, **values))
            pr_id = int(result.inserted_primary_key[0])
        else:
            conn.execute(update(pr_t).where(pr_t.c.id == pr_id).values(**values))
            touched |= set(
                conn.execute(select(pr_key_t.c.key).where(pr_key_t.c.pr_id == pr_id)).scalars()
            )
            conn.execute(delete(pr_key_t).where(pr_key_t.c.pr_id == pr_id))
        _insert_ignore(conn, pr_key_t, [{"pr_id": pr_id, "key": k} for k in pr.keys])
        touched |= set(pr.keys)
    return touched


def _store_devinfo(conn: Connection, sid: int, info: Any) -> set[str]:
    """Replace what JIRA's development panel says about one key."""
    key = info.key
    touched = {key}
    # Drop this key's previous dev-status links, then write the fresh answer.
    before = set(
        conn.execute(
            select(commit_key_t.c.sha).where(
                commit_key_t.c.key == key, commit_key_t.c.source_id == sid
            )
        ).scalars()
    )
    conn.execute(
        delete(commit_key_t).where(commit_key_t.c.key == key, commit_key_t.c.source_id == sid)
    )
    conn.execute(delete(branch_t).where(branch_t.c.source_id == sid, branch_t.c.key == key))
    pr_ids = select(pr_t.c.id).where(pr_t.c.source_id == sid)
    conn.execute(delete(pr_key_t).where(pr_key_t.c.key == key, pr_key_t.c.pr_id.in_(pr_ids)))
    _insert_ignore(
        conn,
        commit_t,
        [
            {
                "source_id": sid,
                "sha": c.sha,
                "subject": c.subject[:2000],
                "author": c.author[:300],
                "email": "",
                "at": c.at,
                "repo": c.repo[:300],
                "url": (c.url or None),
            }
            for c in info.commits
        ],
    )
    _insert_ignore(
        conn,
        commit_key_t,
        [{"source_id": sid, "sha": c.sha, "key": k} for c in info.commits for k in c.keys],
    )
    _insert_ignore(
        conn,
        branch_t,
        [
            {"source_id": sid, "name": b.name[:500], "key": k, "repo": b.repo[:300], "url": b.url}
            for b in info.branches
            for k in b.keys
        ],
    )
    touched |= {k for c in info.commits for k in c.keys}
    touched |= {k for b in info.branches for k in b.keys}
    # PR rows are shared between keys: upsert, then add (not replace) this answer's keys.
    existing = {
        row.number: row.id
        for row in conn.execute(select(pr_t.c.id, pr_t.c.number).where(pr_t.c.source_id == sid))
    }
    for pr in info.pull_requests:
        keys_before = (
            set(
                conn.execute(
                    select(pr_key_t.c.key).where(pr_key_t.c.pr_id == existing[pr.number])
                ).scalars()
            )
            if pr.number in existing
            else set()
        )
        merged = tuple(sorted(keys_before | set(pr.keys)))
        touched |= _store_prs(conn, sid, [dataclasses.replace(pr, keys=merged)])
    # Commits this key pointed at and no key points at any more are dropped.
    maybe_gone = before - {c.sha for c in info.commits}
    if maybe_gone:
        still: set[str] = set()
        for chunk in _chunks(maybe_gone):
            still |= set(
                conn.execute(
                    select(commit_key_t.c.sha).where(
                        commit_key_t.c.source_id == sid, commit_key_t.c.sha.in_(chunk)
                    )
                ).scalars()
            )
        _delete_commits(conn, sid, maybe_gone - still)
    return touched


def _rebuild_summaries(conn: Connection, keys: Iterable[str]) -> None:
    """Recompute the badge rows of ``keys`` from the link tables.

    Keys with only commits (nearly all of a first scan's thousands) are counted
    and written by the database in one statement per chunk; keys with branches
    or pull requests go through the badge rules here.
    """
    now = repo.now()
    commit_count = func.count(func.distinct(commit_key_t.c.sha))
    for chunk in _chunks(set(keys)):
        branches: dict[str, set[str]] = {}
        for row in conn.execute(
            select(branch_t.c.key, branch_t.c.name).where(branch_t.c.key.in_(chunk))
        ):
            branches.setdefault(row.key, set()).add(row.name)
        prs: dict[str, dict[str, Any]] = {}
        for row in conn.execute(
            select(
                pr_key_t.c.key,
                pr_t.c.id,
                pr_t.c.source_id,
                pr_t.c.number,
                pr_t.c.state,
                pr_t.c.approvals,
                pr_t.c.reviewer_count,
                pr_t.c.source_branch,
                pr_t.c.updated_at,
                pr_t.c.url,
            )
            .join(pr_t, pr_t.c.id == pr_key_t.c.pr_id)
            .where(pr_key_t.c.key.in_(chunk))
        ):
            # The same PR seen through Bitbucket and through JIRA counts once.
            ident = row.url or f"{row.source_id}:{row.number}"
            prs.setdefault(row.key, {})[ident] = row
        conn.execute(delete(summary_t).where(summary_t.c.key.in_(chunk)))
        plain = [k for k in chunk if k not in branches and k not in prs]
        if plain:
            conn.execute(
                summary_t.insert().from_select(
                    [c.name for c in summary_t.columns],
                    select(
                        commit_key_t.c.key,
                        commit_count,
                        *(literal(0),) * 3,
                        null(),
                        *(literal(0),) * 2,
                        literal(now, DateTime(timezone=True)),
                    )
                    .where(commit_key_t.c.key.in_(plain))
                    .group_by(commit_key_t.c.key),
                )
            )
        rich = sorted(set(branches) | set(prs))
        commits: dict[str, int] = {
            row[0]: int(row[1])
            for row in conn.execute(
                select(commit_key_t.c.key, commit_count)
                .where(commit_key_t.c.key.in_(rich))
                .group_by(commit_key_t.c.key)
            )
        }
        rows: list[tuple[Any, ...]] = []
        for key in rich:
            key_prs = list(prs.get(key, {}).values())
            names = branches.get(key, set())
            pr_branches = {p.source_branch for p in key_prs if p.source_branch}
            without = sum(
                1
                for n in _unique_branches(names)
                if not any(n == b or n.endswith("/" + b) for b in pr_branches)
            )
            state, approvals, reviewers = _pr_badge(key_prs)
            count = commits.get(key, 0)
            if not (count or names or key_prs):
                continue
            rows.append(
                (
                    key,
                    count,
                    len(_unique_branches(names)),
                    without,
                    len(key_prs),
                    state,
                    approvals,
                    reviewers,
                    now,
                )
            )
        # Tuples through the driver, not dicts: SQLAlchemy would process each value.
        _bulk_insert(conn, summary_t, rows)


def _unique_branches(names: set[str]) -> set[str]:
    """Treat ``origin/x`` and ``x`` as one branch (a pushed local branch)."""
    result = set(names)
    for name in names:
        if "/" in name and name.split("/", 1)[1] in names:
            result.discard(name)
    return result


def _pr_badge(prs: Sequence[Any]) -> tuple[str | None, int, int]:
    """The state shown: any open PR wins, then merged, then declined (newest first)."""
    for state in (PrState.OPEN, PrState.MERGED, PrState.DECLINED):
        matching = [p for p in prs if p.state == state.value]
        if matching:
            newest = max(matching, key=lambda p: repo.utc(p.updated_at) or _EPOCH)
            return state.value, int(newest.approvals), int(newest.reviewer_count)
    return None, 0, 0


_EPOCH = datetime.fromtimestamp(0, UTC)


def _pr_triggers(
    prs: Sequence[PullRequest], previous: Mapping[str, tuple[Any, ...]], where: str
) -> list[_Trigger]:
    out: list[_Trigger] = []
    for pr in prs:
        before = previous.get(pr.number)
        before_state = before[0] if before else None
        label = f"PR #{pr.number.rsplit(':', 1)[-1]} '{pr.title[:80]}' ({where})"
        for key in pr.keys:
            if pr.state is PrState.OPEN and before_state != PrState.OPEN.value:
                out.append(
                    _Trigger(
                        "pr_opened",
                        pr.url or pr.number,
                        key,
                        f"{label} opened by {pr.author}",
                        pr.author,
                    )
                )
            if pr.state is PrState.MERGED and before_state != PrState.MERGED.value:
                out.append(
                    _Trigger("pr_merged", pr.url or pr.number, key, f"{label} merged", pr.author)
                )
    return out


def _already_fired(conn: Connection, trig: _Trigger) -> bool:
    stmt = select(automation_log_t.c.id).where(
        automation_log_t.c.rule == trig.rule, automation_log_t.c.key == trig.key
    )
    if trig.rule != "first_commit":
        stmt = stmt.where(automation_log_t.c.trigger == trig.trigger[:300])
    return conn.execute(stmt.limit(1)).first() is not None


def _column_named(columns: Sequence[Column], name: str | None) -> Column | None:
    if not name:
        return None
    wanted = name.strip().lower()
    return next((c for c in columns if c.name.lower() == wanted), None)


def _match_author(people: Sequence[Person], author: str, email: str = "") -> Person | None:
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


def _card_links(conn: Connection, card: Card) -> dict[str, Any]:
    key = card.jira_key
    result: dict[str, Any] = {
        "card_id": card.id,
        "key": key,
        "commits": [],
        "branches": [],
        "pull_requests": [],
        "automation": [],
    }
    if not key:
        return result
    seen: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
        select(commit_t)
        .join(
            commit_key_t,
            (commit_key_t.c.source_id == commit_t.c.source_id)
            & (commit_key_t.c.sha == commit_t.c.sha),
        )
        .where(commit_key_t.c.key == key)
        .order_by(commit_t.c.at.desc())
    ):
        item = seen.get(row.sha)
        if item is None:
            seen[row.sha] = {
                "sha": row.sha,
                "short_sha": row.sha[:10],
                "subject": row.subject,
                "author": row.author,
                "date": repo.utc(row.at),
                "repository": row.repo,
                "url": row.url,
            }
        elif not item["url"] and row.url:
            item["url"] = row.url
    result["commits"] = sorted(seen.values(), key=lambda c: c["date"] or _EPOCH, reverse=True)
    result["branches"] = sorted(
        {
            (r.repo, r.name): {"name": r.name, "repository": r.repo, "url": r.url}
            for r in conn.execute(select(branch_t).where(branch_t.c.key == key))
        }.values(),
        key=lambda b: (b["repository"], b["name"]),
    )
    prs: dict[str, dict[str, Any]] = {}
    for row in conn.execute(
        select(pr_t)
        .join(pr_key_t, pr_key_t.c.pr_id == pr_t.c.id)
        .where(pr_key_t.c.key == key)
        .order_by(pr_t.c.updated_at.desc())
    ):
        ident = row.url or f"{row.source_id}:{row.number}"
        prs.setdefault(
            ident,
            {
                "id": row.number.rsplit(":", 1)[-1],
                "title": row.title,
                "state": row.state,
                "source_branch": row.source_branch,
                "target_branch": row.target_branch,
                "author": row.author,
                "reviewers": list(row.reviewers or []),
                "approvals": f"{row.approvals}/{row.reviewer_count}",
                "repository": row.repo,
                "created": repo.utc(row.created_at),
                "updated": repo.utc(row.updated_at),
                "closed": repo.utc(row.closed_at),
                "url": row.url,
            },
        )
    result["pull_requests"] = list(prs.values())
    result["automation"] = [
        {"rule": r.rule, "at": repo.utc(r.at), "outcome": r.outcome, "reason": r.reason}
        for r in conn.execute(
            select(automation_log_t)
            .where(automation_log_t.c.key == key)
            .order_by(automation_log_t.c.id)
        )
    ]
    return result


def links_for_card_json(service_or_engine: Any, card_id: str) -> dict[str, Any]:
    """The card's links as JSON-ready data, for ``kanban show KEY --json``.

    Args:
        service_or_engine: a :class:`LinksService`, a :class:`BoardService` or an Engine.
        card_id: the card's id (or key).

    Returns:
        ``{"key", "commits": [...], "branches": [...], "pull_requests": [...],
        "automation": [...]}`` with dates as ISO-8601 strings.
    """
    if isinstance(service_or_engine, LinksService):
        engine = service_or_engine.engine
    elif isinstance(service_or_engine, BoardService):
        engine = service_or_engine.engine
    else:
        engine = service_or_engine
    with db.read_transaction(engine) as conn:
        card = repo.find_card(conn, ref=card_id)
        data = _card_links(conn, card)
    return _iso(data)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value
