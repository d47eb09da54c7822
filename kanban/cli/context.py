"""What every command gets: the parsed arguments and a lazily opened board.

Opening the database (and migrating it) happens on first use, so ``--help``
and commands that need no board stay instant.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from typing import Any

from kanban import jsontext
from kanban.services.board import BoardService
from kanban.settings import Config, current_actor, database_url


@dataclass
class Context:
    """Per-invocation state shared by the command handlers."""

    args: argparse.Namespace
    _service: BoardService | None = field(default=None, init=False)
    _config: Config | None = field(default=None, init=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = Config.load()
        return self._config

    @property
    def url(self) -> str:
        return database_url(getattr(self.args, "db", None), self.config)

    @property
    def service(self) -> BoardService:
        if self._service is None:
            self._service = BoardService.open(self.url, current_actor(self.config))
        return self._service

    def close(self) -> None:
        if self._service is not None:
            self._service.close()

    def emit_json(self, data: Any) -> None:
        sys.stdout.write(jsontext.dumps(data, default=str))
