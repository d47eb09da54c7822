"""Moving an issue along JIRA's workflow to the status of a card's new column.

JIRA cannot be told "put this issue in Review"; it offers transitions from the
issue's current status. The workflow graph (``kanban.sync.graph``) is learned
from changelogs and from the transitions JIRA lists; a path is searched in it
and followed one transition at a time, from the status the issue stands at when
the move starts (read then: the run's copy of the issue may be stale). When the
graph knows no path, the transitions of another issue sitting in a reachable
status are read (read-only: that issue is never moved), and as a last resort a
step is taken that does not lead away from the target column.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from kanban.domain.model import Column
from kanban.errors import UserError
from kanban.sync.client import JiraClient
from kanban.sync.errors import JiraError, JiraRejected
from kanban.sync.graph import StatusGraph, find_path
from kanban.sync.mapping import IssueRecord
from kanban.sync.statuses import StatusMapping

log = logging.getLogger(__name__)

MAX_TRANSITION_STEPS = 8


class PartialMove(JiraRejected):
    """A transition path that stopped at ``reached`` (maybe where it started)."""

    def __init__(
        self, message: str, *, reached: str, jira_message: str = "", retryable: bool = False
    ) -> None:
        super().__init__(message, jira_message=jira_message or message)
        self.reached = reached
        self.retryable = retryable


def workflow_key(rec: IssueRecord) -> str:
    """Issues of one project and issue type share a workflow."""
    return f"{rec.project_key}/{rec.issue_type or '?'}"


class WorkflowNavigator:
    """Transitions issues towards columns over one run, learning the workflow as it goes.

    Args:
        client: the run's JIRA client.
        columns: the board's columns (their order guides the fallback step).
        statuses: JIRA status id → column id (explicit, else by category).
        graphs: workflow key → learned graph; updated in place and saved by the caller.
        status_names: status id → name, for messages; updated in place.
        samples: workflow key → {status id: an issue key sitting there}; updated in place.
        load_samples: more samples from the board's links, read once when first needed.
    """

    def __init__(
        self,
        client: JiraClient,
        columns: Sequence[Column],
        statuses: StatusMapping,
        graphs: dict[str, StatusGraph],
        status_names: dict[str, str],
        samples: dict[str, dict[str, str]],
        load_samples: Callable[[], Mapping[str, Mapping[str, str]]],
    ) -> None:
        self.client = client
        self.columns = columns
        self.statuses = statuses
        self.graphs = graphs
        self.status_names = status_names
        self.samples = samples
        self._load_samples = load_samples
        self._samples_loaded = False

    def move(self, rec: IssueRecord, column: Column) -> str:
        """Transition the issue into a status of ``column``, several steps if needed.

        Returns the status reached. Raises PartialMove when no known path leads
        there or a step is refused, saying where it stopped.
        """
        targets = self.statuses.statuses_of(column.id)
        if not targets:
            raise UserError(
                f"No JIRA status lands in column '{column.name}', so {rec.key} cannot follow "
                "the move. Give the column a JIRA status (in the window: JIRA → Connection… → "
                "Statuses), or adopt the team's JIRA board."
            )
        graph = self.graphs.setdefault(workflow_key(rec), StatusGraph())
        # Passing a done status sets a resolution, notifies watchers and fires
        # automation in JIRA: never on the way to a status that is not done.
        avoid = self.statuses.done_statuses() - targets
        current = self._status_now(rec)
        explored: set[str] = set()
        visited: set[str] = set()
        for _step in range(MAX_TRANSITION_STEPS):
            if current in targets:
                return current
            live = self.client.transitions(rec.key)
            explored.add(current)
            graph.replace_from(current, [_to_id(t) for t in live])
            for t in live:
                to = t.get("to") or {}
                self.status_names[str(to.get("id"))] = str(to.get("name", ""))
            path = find_path(current, targets, graph.edges, avoid)
            while path is None and self._explore(rec, graph, current, explored):
                path = find_path(current, targets, graph.edges, avoid)
            if path is None:
                path = self._forward_step(live, current, column, visited | avoid)
            if path is None and find_path(current, targets, graph.edges) is not None:
                raise PartialMove(
                    f"In JIRA's workflow, {rec.key} can reach '{column.name}' from "
                    f"'{self.status_names.get(current, current)}' only through a done status, "
                    "which would resolve the issue, notify its watchers and run JIRA "
                    "automation. The push waits and the card keeps its place here: move the "
                    "issue in JIRA (the next sync follows), or move the card back.",
                    reached=current,
                )
            if path is None:
                available = (
                    ", ".join(f"{t.get('name')} → {(t.get('to') or {}).get('name')}" for t in live)
                    or "none"
                )
                raise PartialMove(
                    f"JIRA's workflow has no way from '{self.status_names.get(current, current)}' "
                    f"to '{column.name}' for {rec.key} (available: {available}). The card "
                    "keeps its place on the board; move it in JIRA, or revert it.",
                    reached=current,
                )
            nxt = path[0]
            visited.add(current)
            step = next(t for t in live if _to_id(t) == nxt)
            try:
                self.client.transition(rec.key, str(step["id"]))
            except JiraError as exc:
                raise PartialMove(
                    str(exc),
                    reached=current,
                    jira_message=exc.jira_message,
                    retryable=exc.retryable,
                ) from exc
            self._moved(rec, current, nxt)
            current = nxt
        if current in targets:
            return current
        raise PartialMove(
            f"{rec.key} did not reach '{column.name}' within {MAX_TRANSITION_STEPS} transitions.",
            reached=current,
        )

    def _moved(self, rec: IssueRecord, src: str, dst: str) -> None:
        """Keep the samples true: an issue this run moved no longer sits where it was read."""
        samples = self.samples.setdefault(workflow_key(rec), {})
        if samples.get(src) == rec.key:
            del samples[src]
        samples.setdefault(dst, rec.key)

    def _status_now(self, rec: IssueRecord) -> str:
        """Where the issue stands now, not where it stood when the run read it.

        A person may have moved it since, or a transition of a run that was
        killed or timed out may have been applied after this run read it. The
        transitions JIRA lists are learned as the edges of the current status;
        learned for the wrong one, they would plan later paths through links the
        workflow does not have, and move issues the wrong way.
        """
        now = self.client.current_status(rec.key)
        if now is not None and now != rec.status_id:
            log.info(
                "%s stands at status %s in JIRA, not %s as read: the move starts there",
                rec.key,
                now,
                rec.status_id,
            )
        return now or rec.status_id

    def _forward_step(
        self, live: list[dict[str, Any]], current: str, target: Column, visited: set[str]
    ) -> list[str] | None:
        """With no known path, take a transition that does not lead away from the target.

        A new project has no other issues to learn the workflow from, so the
        issue's own transitions are followed, one step at a time, through
        statuses whose columns lie between where it is and where it should go.
        """
        order = {c.id: c.order for c in self.columns}
        here = order.get(self.statuses.get(current, -1))
        if here is None:
            return None
        lo, hi = sorted((here, target.order))
        best: tuple[int, str] | None = None
        for t in live:
            dst = _to_id(t)
            col = self.statuses.get(dst)
            if dst in visited or col is None or not lo <= order[col] <= hi:
                continue
            distance = abs(target.order - order[col])
            if best is None or distance < best[0]:
                best = (distance, dst)
        return [best[1]] if best else None

    def _explore(
        self, rec: IssueRecord, graph: StatusGraph, start: str, explored: set[str]
    ) -> bool:
        """Read the transitions of another issue sitting in a reachable, unexplored status.

        Returns False when nothing is left to learn.
        """
        if not self._samples_loaded:
            self._samples_loaded = True
            for wf, by_status in self._load_samples().items():
                for status, key in by_status.items():
                    self.samples.setdefault(wf, {}).setdefault(status, key)
        samples = self.samples.get(workflow_key(rec), {})
        reachable = [start]
        seen = {start}
        i = 0
        while i < len(reachable):
            for nxt in sorted(graph.edges.get(reachable[i], ())):
                if nxt not in seen:
                    seen.add(nxt)
                    reachable.append(nxt)
            i += 1
        for status in reachable:
            if status in explored:
                continue
            explored.add(status)
            sample = samples.get(status)
            if sample is None or sample == rec.key:
                continue
            # The sample was read earlier (and this run may have moved it since):
            # what JIRA lists is learned for the status it stands at now.
            now = self.client.current_status(sample)
            if now is None:
                continue
            if now != status:
                samples.pop(status, None)
                samples.setdefault(now, sample)
                explored.add(now)
            live = self.client.transitions(sample)
            graph.replace_from(now, [_to_id(t) for t in live])
            return True
        return False


def _to_id(transition: Mapping[str, Any]) -> str:
    return str((transition.get("to") or {}).get("id"))
