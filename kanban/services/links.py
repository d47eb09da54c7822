"""Commits, branches and pull requests on cards: the links use cases.

``LinksService.scan`` reads every configured source in turn (local git
repositories, Bitbucket Server repositories, GitHub repositories, JIRA's
development panel). A source that fails is reported with a message naming it
and keeps everything it linked before; the other sources are still scanned.
Results are stored per source and linked to cards by JIRA key; the per-key
``link_summary`` rows are rebuilt for the keys a scan touched, so the board's
badges for all cards are one query (:meth:`LinksService.badges`).

This module orchestrates; the parts are elsewhere: git runs in
:mod:`kanban.links.gitscan` (stored while git prints, by
:class:`kanban.services.links_git.GitWriter`), the hosts are
:mod:`kanban.links.bitbucket`, :mod:`kanban.links.github` and
:mod:`kanban.links.devstatus`, the SQL is in :mod:`kanban.store.links_repo`
and :mod:`kanban.store.links_summary_repo`, the settings in
:mod:`kanban.links.settings`, the badge texts in :mod:`kanban.links.summary`
and host tokens in the OS keyring through :mod:`kanban.secrets`. The service
opens every transaction: through :meth:`BoardService.reading` and
:meth:`BoardService.writing`, except the short flushes of a streamed git scan,
which skip SQLite's log checkpoint (the scan's final write does it once).

Automation rules (each off by default, per board) move cards when something
new happens after a source's first scan: a PR opened → Review, a PR merged →
Done, the first commit naming a pool card → its author's lane, In progress.
:func:`kanban.links.automation.plan_moves` decides the moves from plain data;
each goes through :meth:`BoardService.move_card` with ``source=git`` and a
reason naming the PR or commit, so the board's rules apply; an enforced
refusal is reported and logged, never forced.
"""

from __future__ import annotations

import contextlib
import functools
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from kanban import APP_NAME, secrets
from kanban.domain.model import Card, ColumnKind, Source
from kanban.errors import InvalidInput, NotFound, RuleViolationError, UserError
from kanban.links import automation
from kanban.links.automation import CardPlacement, PlannedMove, Step, Trigger
from kanban.links.bitbucket import BitbucketServer
from kanban.links.devstatus import DevInfo, DevStatusClient
from kanban.links.github import GitHubRepo
from kanban.links.gitscan import plan_scan, walk
from kanban.links.http import HostError, bearer
from kanban.links.keys import KeyMatcher
from kanban.links.model import AUTOMATION_RULES
from kanban.links.report import AutomationOutcome, ScanReport, SourceReport
from kanban.links.settings import (
    BitbucketSetting,
    GitHubSetting,
    GitRepoSetting,
    LinksSettings,
    jira_project_keys,
)
from kanban.links.summary import LinkSummary, badge_texts
from kanban.services.board import BoardService
from kanban.services.gcpause import gc_paused
from kanban.services.links_git import GitWriter, SourceForgotten
from kanban.settings import Config
from kanban.store import db, links_repo, links_summary_repo, repo

# Names the UI, CLI and tests import from here.
__all__ = [
    "AutomationOutcome",
    "BitbucketSetting",
    "GitHubSetting",
    "GitRepoSetting",
    "LinkSummary",
    "LinksService",
    "LinksSettings",
    "ScanReport",
    "SourceReport",
    "devstatus_client_from_config",
    "host_token",
    "jira_project_keys",
    "keyring_user",
    "links_for_card_json",
    "set_host_token",
]

log = logging.getLogger(__name__)

DEVSTATUS_WORKERS = 4  # issues asked about at once; JIRA rate-limits heavy clients


def keyring_user(kind: str, location: str) -> str:
    """The keyring entry (under the app's service name) holding a host's token."""
    return f"{kind}:{location.rstrip('/')}"


def host_token(kind: str, location: str) -> str | None:
    """A host's token from the OS keyring, or None (anonymous access)."""
    try:
        return secrets.get_secret(APP_NAME, keyring_user(kind, location))
    except secrets.NoKeyring as exc:
        log.warning("Cannot read the keyring for %s %s: %s", kind, location, exc.reason)
        return None


def set_host_token(kind: str, location: str, token: str) -> None:
    """Keep a host's token in the OS keyring.

    Raises:
        NoKeyring: the keyring refused (``reason`` has its words); nothing was stored.
    """
    secrets.set_secret(
        APP_NAME,
        keyring_user(kind, location),
        token,
        what=f"the {kind} token for {location}",
        instead="Install a keyring service (e.g. GNOME Keyring) and try again.",
        check=False,
    )


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


class LinksService:
    """Links of one board's database.

    Args:
        board: the board's service; its transactions are used, and automatic
            moves go through it.
    """

    def __init__(self, board: BoardService) -> None:
        self.board = board
        self.engine: Engine = board.engine

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.board.writing() as uow:
            yield uow.conn

    @contextlib.contextmanager
    def _flush_transaction(self) -> Iterator[Connection]:
        """One of the short write transactions of a streamed git scan.

        The scan's final transaction checkpoints SQLite's log once for all of them.
        """
        with (
            db.known_errors(self.board.url),
            db.write_transaction(self.engine, checkpoint=False) as conn,
        ):
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
        triggers: list[Trigger] = []
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
                functools.partial(
                    self._scan_git, setting, matcher, report=report, triggers=triggers
                ),
            )
        clients: list[BitbucketServer | GitHubRepo] = (
            list(pr_clients) if pr_clients is not None else self._pr_clients(settings)
        )
        try:
            for client in clients:
                if stop():
                    report.cancelled = True
                    break
                say(f"Reading pull requests of {client.client.what}")
                self._guard(
                    report,
                    client.kind,
                    client.location,
                    functools.partial(
                        self._scan_prs, client, matcher, report=report, triggers=triggers, say=say
                    ),
                )
        finally:
            if pr_clients is None:  # built here: their connections are closed here
                for client in clients:
                    client.client.close()
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
        except SourceForgotten as exc:
            sr.ok, sr.error = False, str(exc)
            return  # recording the failure would bring the forgotten source back
        except UserError as exc:
            sr.ok, sr.error = False, str(exc)
        except Exception as exc:  # one bad source must not stop the others
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
                    sid = links_repo.ensure_source(conn, kind=kind, location=location)
                    links_repo.record_failure(conn, source_id=sid, error=sr.error)
            except UserError:
                log.exception("Could not record the failure of %s", location)

    def _scan_git(
        self,
        setting: GitRepoSetting,
        matcher: KeyMatcher,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[Trigger],
    ) -> None:
        location = sr.location
        with self.board.reading() as conn:
            src = links_repo.find_source(conn, kind="git", location=location)
            tips: dict[str, str] = {}
            baseline = src is None or src.last_ok_at is None
            keys_changed = src is not None and src.keys != matcher.signature
            if src is not None and not keys_changed:
                tips = links_repo.branch_tips(conn, source_id=src.id)
        plan = plan_scan(location, matcher, tips, full=keys_changed)
        sr.branches = len(plan.branch_keys)
        sr.rewritten = plan.rewritten
        if not plan.changed:
            sr.unchanged = True
            if src is not None and src.last_error is None:
                return  # nothing moved: not even a write
        if src is None:
            with self._write() as conn:
                sid = links_repo.ensure_source(conn, kind="git", location=location)
        else:
            sid = int(src.id)
        stored: set[str] = set()
        if plan.full:
            with self.board.reading() as conn:
                stored = links_repo.commit_shas(conn, source_id=sid)
        # Commits are stored while git is still printing them, in short transactions
        # (see GitWriter), so storing overlaps git's work and never locks the board
        # for the length of a large history.
        writer = GitWriter(
            source_id=sid,
            setting=setting,
            plan=plan,
            keep=not baseline and not plan.full,
            stored=stored,
            flush_transaction=self._flush_transaction,
        )
        with gc_paused():
            walk(location, plan, matcher, sink=writer.add)
            with self._write() as conn:
                touched = writer.finish(conn, sr)
                links_repo.mark_ok(conn, source_id=sid, signature=matcher.signature)
                links_summary_repo.rebuild_summaries(conn, keys=touched)
        sr.walked = plan.walked
        report.keys |= touched
        for commit in writer.kept:
            triggers.extend(
                automation.first_commit_triggers(
                    commit.sha,
                    commit.subject,
                    commit.author,
                    commit.keys,
                    setting.display,
                    commit.email,
                )
            )

    def _scan_prs(
        self,
        client: BitbucketServer | GitHubRepo,
        matcher: KeyMatcher,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[Trigger],
        say: Callable[[str], None],
    ) -> None:
        kind, location = client.kind, client.location
        with self.board.reading() as conn:
            src = links_repo.find_source(conn, kind=kind, location=location)
            previous = links_repo.previous_prs(conn, source_id=src.id) if src is not None else {}
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
            sid = links_repo.ensure_source(conn, kind=kind, location=location)
            touched = links_repo.store_prs(conn, source_id=sid, prs=prs)
            links_repo.mark_ok(conn, source_id=sid, signature=matcher.signature)
            links_summary_repo.rebuild_summaries(conn, keys=touched)
        report.keys |= touched
        if not baseline:
            states = {n: p[0] for n, p in previous.items()}
            triggers.extend(automation.pr_triggers(prs, states, client.client.what))

    def _scan_devstatus(
        self,
        client: DevStatusClient,
        keys: Sequence[str],
        matcher: KeyMatcher,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[Trigger],
        stop: Callable[[], bool],
    ) -> None:
        location = client.location
        with self.board.reading() as conn:
            src = links_repo.find_source(conn, kind=client.kind, location=location)
            baseline = src is None or src.last_ok_at is None
            previous = links_repo.previous_prs(conn, source_id=src.id) if src is not None else {}
            known = links_repo.commit_shas(conn, source_id=src.id) if src is not None else set()
        states = {n: p[0] for n, p in previous.items()}
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
                    self._store_dev(client, info, sr, report, triggers, known, states, baseline)
        with self._write() as conn:
            sid = links_repo.ensure_source(conn, kind=client.kind, location=location)
            if failures:
                sr.ok = False
                sr.error = (
                    f"JIRA development info at {location} failed for {len(failures)} of "
                    f"{len(keys)} issues; links found before are kept. First: {failures[0]}"
                )
            else:
                links_repo.mark_ok(conn, source_id=sid, signature=matcher.signature)

    def _store_dev(
        self,
        client: DevStatusClient,
        info: DevInfo,
        sr: SourceReport,
        report: ScanReport,
        triggers: list[Trigger],
        known: set[str],
        previous_states: Mapping[str, str],
        baseline: bool,
    ) -> None:
        with self._write() as conn:
            sid = links_repo.ensure_source(conn, kind=client.kind, location=client.location)
            touched = links_repo.store_devinfo(
                conn,
                source_id=sid,
                key=info.key,
                commits=info.commits,
                branches=info.branches,
                pull_requests=info.pull_requests,
            )
            links_summary_repo.rebuild_summaries(conn, keys=touched)
        report.keys |= touched
        sr.new_commits += sum(1 for c in info.commits if c.sha not in known)
        sr.pull_requests += len(info.pull_requests)
        sr.branches += len(info.branches)
        if not baseline:
            triggers.extend(
                automation.pr_triggers(info.pull_requests, previous_states, "JIRA development info")
            )
            for c in info.commits:
                if c.sha not in known:
                    triggers.extend(
                        automation.first_commit_triggers(
                            c.sha, c.subject, c.author, c.keys, f"{c.repo} (JIRA development info)"
                        )
                    )

    def _open_card_keys(self) -> list[str]:
        snap = self.board.snapshot()
        done = {c.id for c in snap.columns if c.kind is ColumnKind.DONE}
        return sorted(c.jira_key for c in snap.cards if c.jira_key and c.column_id not in done)

    # --- reading -------------------------------------------------------------

    def summaries(self) -> dict[str, LinkSummary]:
        """Per card id (cards with links only), the badge data; one query."""
        with self.board.reading() as conn:
            rows = links_summary_repo.summary_rows(conn)
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
            for row in rows
        }

    def badges(self) -> dict[str, list[str]]:
        """Per card id, the badge texts (e.g. ``["PR open 1/2", "3 commits"]``)."""
        return badge_texts(self.summaries())

    def badges_with_notes(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The badge texts and, per card id, the same in sentences for its tooltip."""
        summaries = self.summaries()
        texts = badge_texts(summaries)
        return texts, {cid: summaries[cid].notes() for cid in texts}

    def card_links(self, card_ref: str) -> dict[str, Any]:
        """The commits, branches and PRs of one card (by id, id prefix or key)."""
        card = self.board.card(card_ref)
        with self.board.reading() as conn:
            return links_repo.card_links(conn, card=card)

    def sources(self) -> list[dict[str, Any]]:
        """Every source with its last scan time and error, for the settings view."""
        with self.board.reading() as conn:
            return links_repo.list_sources(conn)

    def forget_source(self, location: str) -> int:
        """Drop everything a source linked (a repository removed from the settings).

        Returns how many sources matched ``location`` (a path or host URL).

        Raises:
            NotFound: no source has that location.
        """
        wanted = location.rstrip("/")
        candidates = {wanted, str(Path(location).expanduser())}
        with self._write() as conn:
            all_sources = links_repo.source_locations(conn)
            matching = [sid for sid, loc in all_sources if loc.rstrip("/") in candidates]
            if not matching:
                known = ", ".join(loc for _sid, loc in all_sources)
                raise NotFound(f"No links source '{location}'. Known sources: {known or 'none'}.")
            touched: set[str] = set()
            for sid in matching:
                touched |= links_repo.delete_source(conn, source_id=sid)
            links_summary_repo.rebuild_summaries(conn, keys=touched)
        return len(matching)

    # --- automation ------------------------------------------------------------

    def automation(self) -> dict[str, bool]:
        with self.board.reading() as conn:
            stored = links_repo.automation_rules(conn)
        return {rule: stored.get(rule, False) for rule in AUTOMATION_RULES}

    def set_automation(self, rule: str, enabled: bool) -> dict[str, bool]:
        if rule not in AUTOMATION_RULES:
            raise InvalidInput(
                f"Unknown automation rule '{rule}'; the rules are {', '.join(AUTOMATION_RULES)}."
            )
        with self._write() as conn:
            links_repo.set_automation_rule(conn, rule=rule, enabled=enabled)
        return self.automation()

    def _automate(
        self, triggers: Sequence[Trigger], settings: LinksSettings
    ) -> list[AutomationOutcome]:
        """Plan the moves the scan's triggers call for, make them and log each step."""
        enabled = self.automation()
        wanted = automation.wanted_triggers(triggers, enabled)
        if not wanted:
            return []
        snap = self.board.snapshot()
        cards = {c.jira_key: _placement(c) for c in snap.cards if c.jira_key}
        with self.board.reading() as conn:
            fired = {
                t.fired_key
                for t in wanted
                if t.key in cards
                and links_repo.already_fired(
                    conn,
                    rule=t.rule,
                    key=t.key,
                    trigger=None if t.rule == automation.FIRST_COMMIT else t.trigger,
                )
            }

        def plan() -> list[Step]:
            return automation.plan_moves(
                triggers,
                enabled=enabled,
                fired=fired,
                cards=cards,
                columns=snap.columns,
                people=snap.people,
                column_names=settings.columns,
            )

        outcomes: list[AutomationOutcome] = []
        steps, i = plan(), 0
        while i < len(steps):
            step = steps[i]
            i += 1
            outcome = self._apply(step)
            trig = step.trigger
            with self._write() as conn:
                links_repo.log_automation(
                    conn,
                    rule=trig.rule,
                    trigger=trig.trigger,
                    key=trig.key,
                    outcome=outcome.outcome,
                    reason=outcome.message,
                    change_id=outcome.change_id,
                )
            fired.add(trig.fired_key)
            outcomes.append(outcome)
            if isinstance(step, PlannedMove):
                if outcome.change_id:
                    cards[trig.key] = _placement(self.board.card(step.card_id))
                if cards[trig.key] != step.after:
                    # The card is not where the plan assumed (refused, or placed
                    # otherwise): decide the rest from where it really is.
                    steps, i = plan(), 0
        return outcomes

    def _apply(self, step: Step) -> AutomationOutcome:
        """Make one planned move through the board (its rules apply), or report the skip."""
        trig = step.trigger
        if not isinstance(step, PlannedMove):
            return AutomationOutcome(trig.rule, trig.key, "skipped", step.message)
        target = step.column
        try:
            result = self.board.move_card(
                step.card_id,
                column=target.id,
                person=step.person_id,
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


def _placement(card: Card) -> CardPlacement:
    return CardPlacement(card.id, card.column_id, card.person_id)


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
        data = links_repo.card_links(conn, card=card)
    return _iso(data)


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value
