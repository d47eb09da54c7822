"""The ``kanban`` entry point: the board window without a command, the CLI with one.

This module sits above both ``kanban.ui`` and ``kanban.cli`` so that neither
imports the other, and so ``kanban list`` never pays for importing Qt.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

GUI_FLAGS = {"--wall", "--me", "--screenshot"}


def wants_gui(argv: Sequence[str]) -> bool:
    """No subcommand (only GUI options such as --wall or --db) means the window."""
    skip_next = maybe_value = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        if maybe_value:
            maybe_value = False
            if not arg.startswith("-"):
                continue  # the NAME of ``--me NAME``
        if arg in ("--db", "--screenshot"):
            skip_next = True
            continue
        if arg == "--me":
            maybe_value = True
            continue
        if arg.startswith("--db=") or arg.split("=", 1)[0] in GUI_FLAGS:
            continue
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if wants_gui(args):
        from kanban.platform_check import check_display

        problem = check_display()
        if problem is not None:  # Qt would abort with its own, vaguer message
            sys.stderr.write(problem + "\n")
            return 1
        from kanban.ui.app import run_gui

        return run_gui(args)
    from kanban.cli.main import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
