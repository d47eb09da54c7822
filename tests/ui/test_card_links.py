"""The card editor lists the commits that name the card, with links for the browser."""

from __future__ import annotations

from pathlib import Path

from links.helpers import GitRepo
from pytestqt.qtbot import QtBot

from kanban.services.board import BoardService
from kanban.services.links import GitRepoSetting, LinksService, LinksSettings
from kanban.ui.dialogs.card_editor import CardEditorDialog


def test_editor_shows_commits_of_the_card(
    qtbot: QtBot, service: BoardService, tmp_path: Path
) -> None:
    card = service.add_card("Harden sshd", jira_key="OPS-5").card
    other = service.add_card("Unrelated").card
    repo = GitRepo(tmp_path / "infra")
    repo.commit("OPS-5: disable password logins (see SHA-256 note)")
    repo.commit("UTF-8 everywhere")
    settings = LinksSettings(repos=(GitRepoSetting(str(repo.path)),), keys=("OPS",))
    assert LinksService(service).scan(settings).ok

    dialog = CardEditorDialog(service, card.id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.loaded)  # the links are read on the editor's worker
    text = dialog.links_view.toPlainText()
    assert "disable password logins" in text and "Alice Admin" in text
    assert "UTF-8 everywhere" not in text

    plain = CardEditorDialog(service, other.id)
    qtbot.addWidget(plain)
    qtbot.waitUntil(lambda: plain.loaded)
    assert "once the card has a JIRA key" in plain.links_view.toPlainText()
