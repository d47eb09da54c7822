"""``kanban report``: the status report, headless (cron, CI, a server without a display).

This path imports no Qt: charts are drawn by matplotlib on its Agg/SVG
canvases and the PDF by fpdf2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kanban.cli.context import Context
from kanban.errors import InvalidInput
from kanban.reports.export import FORMATS, format_for, render
from kanban.reports.period import PERIOD_HELP
from kanban.services import reporting


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the ``report`` subcommand."""
    parser = sub.add_parser(
        "report",
        parents=[common],
        help="write a status report (PDF, HTML, Markdown, CSV or JSON)",
        description=(
            "Write the status report for a period: per person (doing, blocked, finished, "
            "WIP), the task pool and not-ready list, flow figures and charts. "
            "CSV writes one .zip holding cards.csv and events.csv."
        ),
    )
    parser.add_argument("--period", default="week", help=f"{PERIOD_HELP} (default: week)")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="output format (default: from the -o file's extension; md without -o)",
    )
    parser.add_argument("--paper", choices=("a4", "letter"), default="a4", help="PDF/print size")
    parser.add_argument(
        "--person", action="append", default=[], metavar="NAME", help="only these people"
    )
    parser.add_argument("--project", help="only cards of this project")
    parser.add_argument(
        "--skill",
        action="append",
        default=[],
        metavar="NAME=LABEL[+LABEL...]",
        help="a skill for the headcount figures, e.g. Storage=storage+san (repeatable; "
        "default: the config's [report] skills, else Windows, Linux, storage)",
    )
    parser.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="FILE",
        help="file to write (md/json: stdout if left out)",
    )
    parser.set_defaults(handler=run_report)


def run_report(ctx: Context) -> int:
    args = ctx.args
    if args.output is None:
        fmt = args.format or "md"
        if fmt not in ("md", "json"):
            raise InvalidInput(
                f"A {fmt} report is a file; name it with -o, e.g. -o report.{_ext(fmt)}."
            )
    else:
        fmt = format_for(args.output, args.format)
    skills = reporting.skills_from(args.skill, ctx.config)
    data = reporting.report(
        ctx.service, period=args.period, people=args.person, project=args.project, skills=skills
    )
    if args.output is None:
        sys.stdout.write(render(data, fmt).decode("utf-8"))
        return 0
    from kanban.reports.export import write_report

    path = write_report(data, args.output, fmt, args.paper)
    print(f"Wrote the {fmt} report for {data.period.label} to {path}.")
    return 0


def _ext(fmt: str) -> str:
    return {"csv": "zip"}.get(fmt, fmt)
