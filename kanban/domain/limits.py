"""The one set of limits on what the board stores.

Every way into the board checks against these: the command line, the window,
the JIRA sync and the JSON and CSV imports (through
:mod:`kanban.domain.validation`). The store's column lengths are the same
numbers, so whatever the app accepts fits the database and its own export
imports again.
"""

from __future__ import annotations

TITLE_MAX = 500
REASON_MAX = 1000
DESCRIPTION_MAX = 100_000
LABEL_MAX = 50
# A column's or a person's name.
NAME_MAX = 100
BOARD_NAME_MAX = 200
PROJECT_MAX = 200
JIRA_KEY_MAX = 50
# Who made a change: a person's name, the OS user, or "jira"/"git".
ACTOR_MAX = 200
JIRA_USER_MAX = 200
EMAIL_MAX = 320
JIRA_STATUS_MAX = 200
# A card's size in days, and the board's "about one day" limit.
SIZE_MIN = 0.1
SIZE_MAX = 365.0
# WIP limits and other counts a person types; far above any real team.
WIP_LIMIT_MAX = 10_000
# Ids and positions are stored as 64-bit integers.
INTEGER_MAX = 2**63 - 1
# A card id (a UUID, 36 characters) and a change id.
ID_MAX = 36
