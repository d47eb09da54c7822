"""Links: commits, branches and pull requests that name a card's JIRA key.

The building blocks the links service (:mod:`kanban.services.links`) combines:
``keys`` (which text is a key), ``gitscan`` (the only place git runs: one
``git log`` pass per scan, incremental from stored tips), ``bitbucket`` and
``github`` (PR hosts over REST), ``devstatus`` (JIRA's development panel),
``http`` (JSON over a reused ``requests`` session, with messages that name the
source), ``settings`` (what to scan, from the config file), ``summary`` (badge
texts), ``automation`` (which moves a scan calls for, decided from plain data)
and ``report`` (what a scan says). Nothing here opens the database, moves a
card or imports ``jira``.
"""
