"""Label colours: the labels a board uses, their colours, and setting one.

A label gets its colour once, for the whole board: the card faces draw its
chips in it, the reports colour it the same way and the JSON export carries
it. Colours are ``#rrggbb`` (checked like a person's colour); a label without
one is drawn in :data:`DEFAULT_LABEL_COLOUR`. Both front ends (the Labels
dialog, ``kanban labels``) call these functions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from kanban.domain.validation import clean_colour, validate_labels
from kanban.errors import InvalidInput
from kanban.services.board import BoardService
from kanban.store import labels_repo, repo

# The chip colour of a label the board gave no colour (a light blue).
DEFAULT_LABEL_COLOUR = "#e3f2fd"


@dataclass(frozen=True, slots=True)
class LabelInfo:
    """One label of the board: its colour (None: the default) and how many cards carry it."""

    name: str
    colour: str | None
    cards: int  # open cards (not archived) with the label


def labels(service: BoardService) -> list[LabelInfo]:
    """Every label on the board's open cards, and every label with a colour, by name.

    A coloured label no card carries any more is listed (with 0 cards) so its
    colour can still be seen and taken away.
    """
    with service.reading() as conn:
        cards = repo.list_cards(conn)
        colours = labels_repo.label_colours(conn)
    counts = Counter(label for card in cards for label in card.labels)
    names = sorted(set(counts) | set(colours), key=lambda n: (n.lower(), n))
    return [LabelInfo(name, colours.get(name), counts.get(name, 0)) for name in names]


def set_label_colour(service: BoardService, label: str, colour: str | None) -> LabelInfo:
    """Give ``label`` a colour (``#rrggbb``), or the default again with None.

    Raises:
        InvalidInput: the label is empty or the colour is not ``#rrggbb``.
    """
    cleaned = validate_labels([label])
    if not cleaned:
        raise InvalidInput("Name the label to colour, e.g. 'kanban labels set storage ...'.")
    name = cleaned[0]
    value = clean_colour(colour) if colour is not None else None
    with service.writing() as uow:
        labels_repo.set_label_colour(uow.conn, label=name, colour=value)
        count = sum(1 for card in repo.list_cards(uow.conn) if name in card.labels)
    return LabelInfo(name, value, count)
