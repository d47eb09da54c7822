"""The board's SLE (85th percentile cycle time of the last 12 weeks) counts every
card finished in that time, archived ones too, and only those."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kanban.services.board import BoardService
from kanban.services.reporting import local_now
from kanban.services.service_level import service_level


def _finish(service: BoardService, title: str, *, days: float, ago: float) -> str:
    card_id = service.add_card(title).card.id
    done = local_now() - timedelta(days=ago)
    service.move_card(
        card_id, column="In progress", person="Bob Jones", at=done - timedelta(days=days)
    )
    service.move_card(card_id, column="Done", at=done)
    return card_id


def test_the_sle_counts_archived_finished_cards_and_not_old_or_open_ones(
    service: BoardService,
) -> None:
    service.add_person("Bob Jones")
    assert service_level(service) is None  # nothing finished yet
    _finish(service, "Patch file servers", days=2, ago=5)
    _finish(service, "Renew TLS certificates", days=2, ago=4)
    slow = _finish(service, "Replace the tape library", days=10, ago=3)
    service.archive(slow)
    _finish(service, "Migrate the old NAS", days=30, ago=7 * 20)  # before the 12 weeks
    started = service.add_card("Upgrade backup agent").card.id
    service.move_card(started, column="In progress", person="Bob Jones")
    # 2, 2 and 10 days: rank 1.7 of the sorted sample, 2 + 0.7 * (10 - 2).
    assert service_level(service) == pytest.approx(7.6, abs=0.01)
