"""Finding JIRA issue keys in commit messages, branch names and PR titles.

Only the configured project keys count, so ``UTF-8``, ``SHA-256`` or
``ISO-8601`` are never mistaken for issues. A key must stand on its own: no
letter or digit right before it (``XPROJ-1`` is not ``PROJ-1``) and no digit
right after the number (``PROJ-123`` is not ``PROJ-12``). Every common style
works because punctuation around the key is ignored: ``PROJ-12: fix``,
``[PROJ-12] fix``, ``fix (PROJ-12)``, ``feature/PROJ-12-dns``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from kanban.errors import InvalidInput

PROJECT_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]+$")


def clean_project_keys(keys: Iterable[str]) -> tuple[str, ...]:
    """Normalise project keys (upper case, unique, sorted); reject what cannot be one.

    Raises:
        InvalidInput: a value that is not a JIRA project key.
    """
    result: set[str] = set()
    for raw in keys:
        for part in str(raw).split(","):
            key = part.strip().upper()
            if not key:
                continue
            if not PROJECT_KEY_RE.match(key):
                raise InvalidInput(
                    f"'{part.strip()}' is not a JIRA project key; a project key is letters, "
                    "digits or _ starting with a letter, e.g. OPS (not OPS-12)."
                )
            result.add(key)
    return tuple(sorted(result))


def _no_keys(_text: str) -> list[str]:
    return []


class KeyMatcher:
    """Extracts the issue keys of a fixed set of projects from text.

    Args:
        project_keys: e.g. ``("OPS", "PROJ")``; see :func:`clean_project_keys`.
    """

    def __init__(self, project_keys: Iterable[str]) -> None:
        self.project_keys = clean_project_keys(project_keys)
        if self.project_keys:
            # Longest first so that "OPSX" wins over "OPS" when both are configured.
            # Each project key is followed by its own look-behind for "no letter or
            # digit before it" instead of one look-behind in front: a pattern that
            # starts with a literal lets the regex engine jump from candidate to
            # candidate instead of trying every position (5x faster on a large scan).
            alternatives = "|".join(
                f"{re.escape(k)}(?<![A-Za-z0-9]{re.escape(k)})"
                for k in sorted(self.project_keys, key=len, reverse=True)
            )
            # One group holding the whole key: findall then returns the keys as they are.
            pattern = rf"((?:{alternatives})-[1-9][0-9]{{0,8}})(?![0-9])"
            self._exact: re.Pattern[str] | None = re.compile(pattern)
            # Branch names are often lower case (feature/ops-12-dns): accept any case there.
            self._loose: re.Pattern[str] | None = re.compile(pattern, re.IGNORECASE)
        else:
            self._exact = self._loose = None
        # Every key in a text, repeats included: the raw form of in_text, bound straight
        # to the compiled pattern for a scan's per-commit loop.
        self.findall: Callable[[str], list[str]] = (
            self._exact.findall if self._exact is not None else _no_keys
        )

    @property
    def signature(self) -> str:
        """A stable text naming the key set, stored with results it produced."""
        return ",".join(self.project_keys)

    def __bool__(self) -> bool:
        return bool(self.project_keys)

    def in_text(self, text: str) -> tuple[str, ...]:
        """Keys in a commit message or PR title, in order of first appearance."""
        if self._exact is None or not text:
            return ()
        found = self._exact.findall(text)
        if len(found) < 2:
            return tuple(found)
        return tuple(dict.fromkeys(found))

    def in_branch(self, name: str) -> tuple[str, ...]:
        """Keys in a branch name, case-insensitively, returned in upper case."""
        if self._loose is None or not name:
            return ()
        return tuple(dict.fromkeys(k.upper() for k in self._loose.findall(name)))
