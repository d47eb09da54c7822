"""Label chips in the report tables: each label in the colour the board gave it.

A table cell that lists a card's labels is a :class:`Chips`, not a string:
HTML draws each chip as a coloured box, the PDF as a filled rounded box with
the name on it, and Markdown (which has no colour) names them, comma
separated. The colours are the board's (``kanban labels set NAME --colour``,
*Settings → Labels*), so a label reads the same on the wall and in the report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from kanban.domain.validation import COLOUR_RE

# A label the board gave no colour, as on the card faces
# (kanban.services.labels.DEFAULT_LABEL_COLOUR and its ink in kanban.ui.items).
DEFAULT_FILL = "#e3f2fd"
DEFAULT_INK = "#0d47a1"
DARK_INK = "#1d1d1d"
LIGHT_INK = "#ffffff"


@dataclass(frozen=True, slots=True)
class Chip:
    """One label as drawn: its name, its fill and the colour of its text (#rrggbb)."""

    text: str
    fill: str
    ink: str


@dataclass(frozen=True, slots=True)
class Chips:
    """A table cell of label chips; as text, the names."""

    chips: tuple[Chip, ...] = ()

    def __str__(self) -> str:
        return ", ".join(c.text for c in self.chips) or "–"


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 0–255 numbers."""
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def ink_for(fill: str) -> str:
    """White on a dark fill, near-black on a light one: the card faces' rule (HSL lightness)."""
    channels = rgb(fill)
    lightness = (max(channels) + min(channels)) / 2 / 255
    return LIGHT_INK if lightness < 0.6 else DARK_INK


def chips_for(labels: Sequence[str], colours: Mapping[str, str]) -> Chips:
    """The chips of a card's labels, in the card's order.

    A colour that is not ``#rrggbb`` (a hand-edited JSON report, say) gets the
    default chip: it goes into an HTML style and the PDF's fill, nothing else.
    """
    out = []
    for label in labels:
        colour = colours.get(label)
        if colour is None or not COLOUR_RE.match(colour):
            out.append(Chip(label, DEFAULT_FILL, DEFAULT_INK))
        else:
            out.append(Chip(label, colour.lower(), ink_for(colour)))
    return Chips(tuple(out))
