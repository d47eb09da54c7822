"""The commits-and-PRs settings dialog: repositories, keys, hosts, tokens, automation."""

from __future__ import annotations

from pathlib import Path

import keyring
from links.helpers import GitRepo
from PySide6.QtWidgets import QTableWidgetItem
from pytestqt.qtbot import QtBot

from kanban import APP_NAME
from kanban.services.board import BoardService
from kanban.services.links import LinksService, LinksSettings
from kanban.settings import Config
from kanban.ui.dialogs.links_settings import LinksSettingsDialog


def test_settings_are_saved_and_bad_input_is_refused(
    qtbot: QtBot, service: BoardService, tmp_path: Path
) -> None:
    repo = GitRepo(tmp_path / "configs")
    repo.commit("OPS-1: first")
    dialog = LinksSettingsDialog(service)
    qtbot.addWidget(dialog)
    # The automation rules and the scan status are read on the dialog's worker.
    qtbot.waitUntil(lambda: dialog.loaded)

    dialog.repo_path.setText(str(tmp_path / "not-a-repo"))
    dialog.add_repo()
    assert "not a git repository" in dialog.banner.text()
    assert dialog.repo_list.count() == 0

    dialog.repo_path.setText(str(repo.path))
    dialog.add_repo()
    dialog.keys.setText("ops; infra")
    dialog.bitbucket.insertRow(0)
    dialog.bitbucket.setItem(0, 0, QTableWidgetItem("bitbucket.example.com"))
    assert not dialog.save()
    assert "Bitbucket row 1" in dialog.banner.text()

    dialog.bitbucket.setItem(0, 0, QTableWidgetItem("https://bitbucket.example.com/"))
    dialog.bitbucket.setItem(0, 1, QTableWidgetItem("OPS"))
    dialog.bitbucket.setItem(0, 2, QTableWidgetItem("infra"))
    dialog.automation["pr_merged"].setChecked(True)
    with qtbot.waitSignal(dialog.changed):  # the automation rules are written on the worker
        assert dialog.save()

    saved = LinksSettings.from_config(Config.load())
    assert [r.path for r in saved.repos] == [str(repo.path)]
    assert set(saved.keys) == {"OPS", "INFRA"}
    assert [(b.url, b.project, b.repo) for b in saved.bitbucket] == [
        ("https://bitbucket.example.com", "OPS", "infra")
    ]
    assert LinksService(service).automation()["pr_merged"] is True
    assert LinksService(service).automation()["pr_opened"] is False

    assert dialog.store_token("bitbucket", "https://bitbucket.example.com", "s3cret")
    assert keyring.get_password(APP_NAME, "bitbucket:https://bitbucket.example.com") == "s3cret"
    assert "s3cret" not in Config.load().extra.__repr__()
