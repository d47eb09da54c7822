"""Exports keep their line endings byte for byte, on Windows as on Linux.

Windows' text files turn each ``\\n`` written into ``\\r\\n`` unless the file is
opened with ``newline=""``. The pure-Python ``_pyio.open`` takes that
translation from ``os.linesep``, so with ``os.linesep = "\\r\\n"`` it writes as
Windows does; it stands in for ``open`` (``builtins.open`` and ``io.open``,
which ``Path.write_text`` uses) while the export writes.
"""

from __future__ import annotations

import _pyio
import builtins
import io
import os
from pathlib import Path

import pytest

from kanban.services import transfer


@pytest.fixture
def windows_text_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "linesep", "\r\n")
    monkeypatch.setattr(builtins, "open", _pyio.open)
    monkeypatch.setattr(io, "open", _pyio.open)


def test_the_stand_in_translates_newlines_as_windows_does(
    windows_text_files: None, tmp_path: Path
) -> None:
    # Without newline="" this open doubles CRLF, as Windows does: the test below means something.
    path = tmp_path / "plain.txt"
    path.write_text("a\nb\r\n", encoding="utf-8")
    assert path.read_bytes() == b"a\r\nb\r\r\n"


def test_an_export_is_written_with_exactly_its_own_line_endings(
    windows_text_files: None, tmp_path: Path
) -> None:
    path = tmp_path / "board.json"
    text = '{\n  "title": "Renew certificate"\n}\n' + "key,title\r\nOPS-1,Renew\r\n"
    transfer.write_text_atomically(path, text)
    assert path.read_bytes() == text.encode("utf-8")


def test_the_json_export_of_a_board_is_the_same_bytes_as_on_linux(
    service, windows_text_files: None, tmp_path: Path
) -> None:
    service.add_card("Renew wildcard certificate", labels=["tls"])
    text = transfer.export_json(service)
    path = tmp_path / "board.json"
    transfer.write_text_atomically(path, text)
    data = path.read_bytes()
    assert b"\r" not in data
    assert data == text.encode("utf-8")
    assert transfer.read_export_file(path)["format"] == transfer.FORMAT
