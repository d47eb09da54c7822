"""``python -m kanban`` is the same as the ``kanban`` command."""

import sys

from kanban.main import main

sys.exit(main())
