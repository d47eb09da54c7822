"""The frozen app's entry point (PyInstaller): the same as the ``kanban`` command."""

import sys

from kanban.main import main

if __name__ == "__main__":
    sys.exit(main())
