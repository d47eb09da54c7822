"""Who "me" is on this board: the configured name, else the OS user matched to a person.

Pure functions, so the matching rules are easy to test and to explain: a
candidate matches a person's name, JIRA user name or e-mail address (or the
part of the address before the @), ignoring case and surrounding spaces.
"""

from __future__ import annotations

from collections.abc import Sequence

from kanban.domain.model import Person


def _keys(person: Person) -> set[str]:
    keys = {person.name.strip().lower()}
    if person.jira_user:
        keys.add(person.jira_user.strip().lower())
    if person.email:
        email = person.email.strip().lower()
        keys.add(email)
        keys.add(email.split("@", 1)[0])
    return keys


def match_person(people: Sequence[Person], candidate: str | None) -> Person | None:
    """The person ``candidate`` names, or None; active people win over inactive ones."""
    if not candidate or not candidate.strip():
        return None
    wanted = candidate.strip().lower()
    found = [p for p in people if wanted in _keys(p)]
    found.sort(key=lambda p: (not p.active, p.order))
    return found[0] if found else None


def find_me(people: Sequence[Person], configured: str | None, os_user: str | None) -> Person | None:
    """The person the user is: ``configured`` (Config.me) first, else the OS user."""
    return match_person(people, configured) or match_person(people, os_user)
