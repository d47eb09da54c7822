"""Help → Getting started (a short guide, in the app) and Help → About.

The guide is the README's first steps in the window's words: what the board
shows, adding the team and cards, moving them, the rules, JIRA, reports. It
is shown in a QTextBrowser, so it works offline and needs no web browser.
About names the version, the database (its URL with any password hidden),
and the config and log files, which is what a colleague helping on the phone
asks for first.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from kanban.ui.dialogs.common import em

GUIDE = """
<h2>Getting started</h2>
<p>The board is the team's whiteboard: a <b>task pool</b> of work not started, a
<b>Not ready</b> section for work that waits before it starts (with the reason),
and <b>one lane per person</b> whose cards move left to right. The column headers
count the work in progress and turn amber or red at their limits.</p>

<h3>1. Add the team</h3>
<p><b>Settings → People…</b>: one line per person. Each active person gets a lane;
a WIP limit per person is optional. <b>Settings → Who am I…</b> tells the board which
of them you are, for <i>My board</i>, the <i>Mine</i> filter and undo.</p>

<h3>2. Add the work</h3>
<p><b>N</b> (or the <b>+</b> in the task pool) adds a card: a title of a few words,
its size in days (about one day of work is the team's rule), labels, a project, a due
date. A team with a spreadsheet of its work imports it from the welcome page, or with
<code>kanban import --csv cards.csv</code>; the columns are matched by meaning
(<i>Summary</i> or <i>Title</i>, <i>Assignee</i> or <i>Owner</i>…).</p>

<h3>3. Work the board</h3>
<ul>
<li>Drag a card to its next column or to a person's lane; drop it on <i>Not ready</i>
to say it waits, and why.</li>
<li>From the keyboard: select a card with the arrow keys, <b>Shift+→</b> moves it
on, <b>A</b> assigns it, <b>B</b> blocks or unblocks it, <b>E</b> edits it and
<b>Delete</b> archives it. <b>?</b> shows every key.</li>
<li><b>Ctrl+Z</b> takes back your own last change, whatever it was.</li>
<li>The filter bar finds cards: the search (<b>/</b>), a person, a label, a project,
and the quick filters <i>Blocked</i>, <i>Mine</i>, <i>Due soon</i> and <i>Aging</i>
(in progress longer than 85% of cards take).</li>
</ul>

<h3>4. The team's rules</h3>
<p><b>Settings → Rules…</b>: cards only move to the right, WIP limits, a card is
about one day of work. Each rule is <i>off</i>, <i>warn</i> (you may go ahead with a
reason, which the history keeps) or <i>enforce</i>.</p>

<h3>5. JIRA, commits and reports</h3>
<p><b>JIRA → Connection…</b> needs the server's address and a token (kept in the
system's keyring); <b>JIRA → Preview sync…</b> shows what the first sync would do
before anything is changed. <b>Settings → Commits and pull requests…</b> links the
team's git repositories. <b>Board → Reports…</b> shows the charts and exports the
weekly status report (PDF, HTML, Markdown).</p>

<h3>On the wall</h3>
<p><b>F11</b> is wall mode: full screen, big type, a refresh every few seconds, and
<i>Since stand-up</i> to light up what moved since the morning.</p>

<p>Everything the window does, the <code>kanban</code> command does too:
<code>kanban --help</code> lists the commands.</p>
"""


class GettingStartedDialog(QDialog):
    """The in-app guide (:data:`GUIDE`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Getting started")
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(GUIDE)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(em(self, 38), em(self, 32))


class AboutDialog(QDialog):
    """The version and where the app keeps its data, each line selectable for copying."""

    def __init__(self, facts: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Kanban Team Board")
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Kanban Team Board</h2>")
        title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(title)
        grid = QGridLayout()
        self.values: dict[str, QLabel] = {}
        for row, (name, value) in enumerate(facts):
            grid.addWidget(QLabel(f"<b>{escape(name)}</b>"), row, 0)
            shown = QLabel(value)
            shown.setTextFormat(Qt.TextFormat.PlainText)
            shown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            shown.setWordWrap(True)
            grid.addWidget(shown, row, 1)
            self.values[name] = shown
        layout.addLayout(grid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(em(self, 34), self.sizeHint().height())
