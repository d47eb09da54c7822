"""The JSON text the app writes: board exports, JSON reports and every ``--json``.

One serializer for all three, orjson: it writes datetimes and dates as ISO
8601 itself (naive ones as UTC, which is what the store keeps) and is about
ten times faster than the standard library on a board export, with the same
text (two-space indent, UTF-8 kept as is).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_NAIVE_UTC


def dumps(data: Any, *, default: Callable[[Any], Any] | None = None) -> str:
    """``data`` as indented JSON text, ending in a newline.

    ``default`` turns values orjson does not know into ones it does (the CLI
    passes ``str``, so a path or an id prints instead of failing).
    """
    return orjson.dumps(data, default=default, option=_OPTIONS).decode() + "\n"
