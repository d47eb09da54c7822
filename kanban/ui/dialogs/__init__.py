"""Dialogs the board opens: the card editor and the board's settings.

Each dialog changes the board only through ``BoardService`` and reports what
it wrote with a signal (``CardEditorDialog.saved``, ``changed`` on the
settings dialogs) so the board can reload at once.
"""
