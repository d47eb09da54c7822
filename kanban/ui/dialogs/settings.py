"""The board's settings dialogs: people, columns, team rules and "who am I" (one import).

The dialogs live in ``settings_team`` (people, columns), ``settings_rules``
(rules, who am I) and ``settings_list`` (their shared list editor); this
module names them all, for the window's Settings menu and for tests.

Every change is applied through ``BoardService`` as soon as the user applies
it (no big "OK" at the end that could lose ten edits to one bad value), and
each dialog emits ``changed`` right after, so the board reloads at once.
Errors are shown in the dialog as written; the dialog stays open with the
user's input in place.

People and columns share one shape (:class:`ListEditor`): a list on the
left with add and reorder buttons, the selected item's form on the right.
Moving to another item applies pending edits first, so nothing is dropped.

No dialog here takes a database lock on the GUI thread (issue #10): each one
reads and writes on a worker of its own (a :class:`SerialExecutor`, one job at
a time, in order) and shows the result when it comes back. Opened from the
board window, a dialog is filled at once from the board's snapshot (read on
the board's reader) and re-read in the background; opened alone it fills when
its first read arrives (``loaded``). While a write is on its way, the buttons
that would start another are disabled; ``write_finished`` says how it went.
"""

from __future__ import annotations

from kanban.ui.dialogs.settings_list import ListEditor
from kanban.ui.dialogs.settings_rules import MeDialog, RulesDialog, current_person, match_os_user
from kanban.ui.dialogs.settings_team import ColumnsDialog, PeopleDialog

__all__ = [
    "ColumnsDialog",
    "ListEditor",
    "MeDialog",
    "PeopleDialog",
    "RulesDialog",
    "current_person",
    "match_os_user",
]
