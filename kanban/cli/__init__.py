"""The command line, ``kanban <command>``: the same services the board window uses.

See docs/architecture.md for the layers.
"""
