"""A fork server for the crash suite: runs ``kanban`` commands in processes the test kills.

Starting Python and importing the app takes one to several seconds on a busy
machine; fifty crash runs would spend most of the suite's time there. So this
script imports the app once and then, for each request, forks a child that
runs one ``kanban`` command with ``kanban.cli.main.run`` (the same function the
``kanban`` executable calls). The test kills that child with SIGKILL.

The protocol, one JSON object or word per line on stdin and stdout:

- in: ``{"argv": [...], "env": {...}, "out": PATH, "err": PATH}``: the child
  takes ``env`` as its ``KANBAN_*`` variables, writes its stdout and stderr to
  the two files and runs the command;
- out: ``started PID``, then while it runs ``mark PID KIND`` (``sql`` before
  each statement, ``commit`` after each commit, ``http`` before each request
  to JIRA), then ``exited PID STATUS`` (the ``waitpid`` status; a kill shows
  as signal 9).

Marks let the test kill at the k-th statement or commit; a test that kills
after a random delay ignores them.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

_protocol = [1]  # the fd of the protocol pipe: the zygote's stdout (a child moves it)

# Everything the commands under test import, loaded once before any fork.
import kanban.cli.data  # noqa: E402
import kanban.cli.jira  # noqa: E402
import kanban.cli.links  # noqa: E402
import kanban.cli.main  # noqa: E402
import kanban.services.demo  # noqa: E402
import kanban.services.links  # noqa: E402
import kanban.services.sync  # noqa: E402
import kanban.services.transfer  # noqa: E402
import kanban.store.migrations  # noqa: E402


def say(line: str) -> None:
    # os.write, not print: no Python-level lock that a fork could inherit held.
    os.write(_protocol[0], (line + "\n").encode())


def install_marks(pid: int) -> None:
    """Report each SQL statement, commit and JIRA request on the protocol pipe."""
    import requests
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def on_sql(*_args: Any, **_kwargs: Any) -> None:
        say(f"mark {pid} sql")

    def on_commit(*_args: Any, **_kwargs: Any) -> None:
        say(f"mark {pid} commit")

    event.listen(Engine, "before_cursor_execute", on_sql)
    event.listen(Engine, "commit", on_commit)
    send = requests.Session.send

    def marked_send(self: requests.Session, request: Any, **kwargs: Any) -> Any:
        say(f"mark {pid} http")
        return send(self, request, **kwargs)

    requests.Session.send = marked_send  # type: ignore[method-assign]


def child(request: dict[str, Any]) -> None:
    """Runs in the forked process; never returns."""
    code = 70
    try:
        for name in [n for n in os.environ if n.startswith("KANBAN_")]:
            del os.environ[name]
        os.environ.update(request["env"])
        # The protocol pipe moves off fd 1: the command (and any git it runs)
        # writes its output to the files, the marks keep the pipe.
        _protocol[0] = os.dup(1)
        for fd, path, flags in (
            (0, os.devnull, os.O_RDONLY),
            (1, request["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
            (2, request["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC),
        ):
            opened = os.open(path, flags, 0o600)
            os.dup2(opened, fd)
            os.close(opened)
        install_marks(os.getpid())
        say(f"mark {os.getpid()} start")
        code = kanban.cli.main.run(request["argv"])
        sys.stdout.flush()
        sys.stderr.flush()
    except SystemExit as exc:
        code = int(exc.code or 0) if isinstance(exc.code, int) else 2
    except BaseException as exc:
        os.write(2, f"crash_child: {type(exc).__name__}: {exc}\n".encode())
        code = 71
    finally:
        os._exit(code)


def main() -> None:
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            child(request)
        say(f"started {pid}")
        _pid, status = os.waitpid(pid, 0)
        say(f"exited {pid} {status}")


if __name__ == "__main__":
    main()
