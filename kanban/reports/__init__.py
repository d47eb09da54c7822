"""Status reports and flow analytics, as pure functions over the board's history.

- ``model``: the report data (frozen dataclasses) every renderer reads.
- ``flow``: replay of events into per-card timelines; cycle/lead/blocked time,
  percentiles, daily counts and WIP-limit breaches.
- ``period``: "week", "month", "FROM..TO" into a time range.
- ``build``: snapshot + events (+ optional pull requests) into ``ReportData``.
- ``charts``: matplotlib figures (object API, no pyplot, no Qt).
- ``layout``: the report's reading order as format-neutral blocks.
- ``render_text`` (Markdown, HTML), ``render_pdf`` (fpdf2), ``export`` (CSV zip,
  JSON, format by extension, writing files).

Nothing here reads the database or imports Qt; ``kanban.services.reporting``
gathers the data and ``kanban.ui.reports_view`` shows it.
"""
