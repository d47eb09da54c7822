"""Links: commits, branches and pull requests that name a card's JIRA key.

Pure-ish building blocks the links service combines: ``keys`` (which text is a
key), ``gitscan`` (one ``git log`` pass per scan, incremental from stored tips),
``bitbucket`` and ``github`` (PR hosts over REST), ``devstatus`` (JIRA's
development panel) and ``http`` (JSON over urllib with messages that name the
source). Nothing here opens the database or imports ``jira``.
"""
