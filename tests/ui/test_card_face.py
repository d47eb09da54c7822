"""What a card face hides is one hover away, and what it shows is explained."""

from __future__ import annotations

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFontMetricsF

from kanban.services.board import BoardService
from kanban.ui.items import CardItem
from kanban.ui.layout import Metrics


def _item(card, width: float = 200) -> CardItem:
    item = CardItem(card, Metrics())
    item.set_card(card, QRectF(0, 0, width, 104), None, (), False, False, False, card.updated_at)
    return item


def test_labels_that_do_not_fit_show_as_plus_n(qtbot, service: BoardService) -> None:
    labels = ["windows", "patching", "monthly", "servers", "night", "cab"]
    card = service.add_card("Patch the file servers", labels=labels).card
    shown, hidden = _item(card).label_chips()
    assert 0 < len(shown) < len(labels)
    assert shown == labels[: len(shown)]
    assert hidden == len(labels) - len(shown)


def test_every_label_is_in_the_tooltip(qtbot, window, service: BoardService) -> None:
    from ui.board_fixtures import wait_idle

    labels = ["windows", "patching", "monthly", "servers", "night", "cab"]
    card = service.add_card("Patch the file servers", labels=labels).card
    window.controller.reload()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: card.id in window.scene.card_items)
    assert "Labels: " + ", ".join(labels) in window.scene.card_items[card.id].toolTip()


def test_badges_that_do_not_fit_leave_the_face_to_the_first_and_nothing_overlaps(
    qtbot, service: BoardService
) -> None:
    card = service.add_card("Patch", labels=["windows", "patching", "monthly"]).card
    item = _item(card, width=170)
    item.badges = ("⟳ queued", "PR open 1/2", "☑ 1/3", "2 comments")
    shown = item.footer_badges()
    assert 0 < len(shown) < len(item.badges)
    assert shown == list(item.badges[: len(shown)])
    start, end = item._footer_room()
    labels, hidden = item.label_chips()
    # The label chips that are drawn end before the first badge begins.
    used = sum(QFontMetricsF(item.m.small_font).horizontalAdvance(t) + 11 for t in labels)
    assert start + used <= end
    assert hidden == 3 - len(labels)


def test_every_label_that_fits_is_shown_without_plus_n(qtbot, service: BoardService) -> None:
    card = service.add_card("Patch", labels=["ops"]).card
    assert _item(card).label_chips() == (["ops"], 0)


def test_the_full_not_ready_reason_is_in_the_tooltip_without_a_prefix(
    qtbot, window, service: BoardService
) -> None:
    from ui.board_fixtures import wait_idle

    reason = "waiting for the rails from the vendor, who promised them for next Tuesday"
    card = service.add_card("Rack more storage", not_ready_reason=reason).card
    window.controller.reload()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: card.id in window.scene.card_items)
    tip = window.scene.card_items[card.id].toolTip()
    assert reason in tip
    assert "Not ready:" not in tip


def test_the_help_overlay_explains_the_age_dots(qtbot, window) -> None:
    window.view.toggle_help(True)
    text = window.view.help.text()
    assert "days in its column" in text
    assert "Esc" in text and "clear the search" in text


def test_hovering_a_card_shows_its_tooltip(qtbot, window, service: BoardService) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from ui.board_fixtures import wait_idle

    card = service.add_card("Patch the <b>file</b> servers", labels=["ops", "night"]).card
    window.controller.reload()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: card.id in window.scene.card_items)
    rect = window.controller.layout.cards[card.id]
    point = window.view.mapFromScene(rect.center())
    viewport = window.view.viewport()
    event = QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point))
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(QToolTip.isVisible)
    text = QToolTip.text()
    assert "Patch the &lt;b&gt;file&lt;/b&gt; servers" in text  # as typed, not as markup
    assert "Labels: ops, night" in text
