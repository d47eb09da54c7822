"""The HTML of the card editor's history and links panels, without Qt.

:mod:`kanban.ui.dialogs.card_panels` puts these strings into its text
browsers; building them here keeps the wording and escaping testable without
a display.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Any

from kanban.domain.model import Event
from kanban.services.history_text import Names, describe_parts, newest_first


def history_html(events: Iterable[Event], names: Names) -> str:
    """A card's history, newest first, each event as a grey "when · who" line and what changed."""
    blocks = []
    for event in newest_first(list(events)):
        head, body = describe_parts(event, names)
        blocks.append(
            f"<p style='margin-bottom:0.6em'><span style='color:#555'>{html.escape(head)}"
            f"</span><br>{html.escape(body)}</p>"
        )
    return "".join(blocks)


def links_html(links: dict[str, Any], key: str) -> str:
    """The card's pull requests and commits as HTML with links that open in the browser."""
    esc = html.escape
    parts: list[str] = []
    for pr in links.get("pull_requests") or []:
        title = esc(str(pr.get("title") or ""))
        if pr.get("url"):
            title = f"<a href='{esc(str(pr['url']), quote=True)}'>{title}</a>"
        reviewers = ", ".join(
            esc(str(r.get("name", ""))) + (" ✓" if r.get("approved") else "")
            for r in pr.get("reviewers") or []
        )
        state = str(pr.get("state", "")).lower()
        closed = pr.get("closed")
        when = f" {closed.astimezone():%Y-%m-%d}" if closed and state != "open" else ""
        parts.append(
            f"<p><b>PR {esc(state)}{esc(when)}</b> "
            f"{esc(str(pr.get('approvals') or ''))} {title}"
            + (f"<br><span style='color:#555'>reviewers: {reviewers}</span>" if reviewers else "")
            + "</p>"
        )
    commits = links.get("commits") or []
    for commit in commits:
        sha = esc(str(commit.get("short_sha") or ""))
        if commit.get("url"):
            sha = f"<a href='{esc(str(commit['url']), quote=True)}'>{sha}</a>"
        when = esc(str(commit.get("date") or "")[:10])
        parts.append(
            f"<p style='margin:0'><tt>{sha}</tt> {esc(str(commit.get('subject') or ''))}"
            f"<br><span style='color:#555'>{esc(str(commit.get('author') or ''))} · {when} · "
            f"{esc(str(commit.get('repository') or ''))}</span></p>"
        )
    if not parts:
        return f"<p>No commit, branch or pull request names {esc(key)} yet.</p>"
    return "".join(parts)
