"""``--skill NAME=label+label`` and the config's ``[report] skills`` choose the headcount skills."""

from __future__ import annotations

import os
from pathlib import Path

from kanban.services.board import BoardService


def _board(db_path: Path) -> None:
    svc = BoardService.open(f"sqlite:///{db_path}", "tester")
    svc.add_card("Grow the SAN", labels=["san"])
    svc.add_card("Patch the NAS", labels=["nas"])
    svc.add_card("Rebuild a Linux host", labels=["linux"])
    svc.close()


def _skills(result) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    assert result.code == 0, result.err
    return [(s["skill"], s["pool"]) for s in result.json()["forecast"]["skills"]]


def test_skill_options_replace_the_defaults(kanban, db_path: Path) -> None:
    _board(db_path)
    assert _skills(kanban("report", "--format", "json")) == [("Linux", 1)]
    out = kanban(
        "report", "--format", "json", "--skill", "Storage=san+nas", "--skill", "Hosts=linux"
    )
    assert _skills(out) == [("Storage", 2), ("Hosts", 1)]
    assert kanban("report", "--skill", "=san").code == 1
    assert kanban("forecast", "--skill", "Storage=san+nas").code == 0


def test_config_report_skills_set_the_default(kanban, db_path: Path) -> None:
    _board(db_path)
    config = Path(os.environ["KANBAN_CONFIG_DIR"]) / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[report]\nskills = { Storage = "san+nas" }\n', encoding="utf-8")
    assert _skills(kanban("report", "--format", "json")) == [("Storage", 2)]
    # An option still wins over the config.
    assert _skills(kanban("report", "--format", "json", "--skill", "linux")) == [("linux", 1)]
    config.write_text('[report]\nskills = "san"\n', encoding="utf-8")
    result = kanban("report", "--format", "json")
    assert result.code == 1 and "must be a table" in result.err
