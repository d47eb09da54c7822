"""Reading a local git repository's branches and commits with ``git`` itself.

A scan costs a fixed number of processes, never one per commit:

1. ``git for-each-ref`` lists the branch tips (local and remote-tracking).
2. If no tip moved since the last scan, that is all: nothing else runs.
3. If a tip moved or a branch vanished, ``git rev-list OLD_TIPS --not NEW_TIPS``
   lists the commits no longer on any branch (a force push or a deleted
   branch), so their links can be dropped.
4. One ``git log`` walks from the moved tips, stopping at every tip seen last
   time, with a NUL-separated format parsed while git is still writing. A
   caller's sink receives the parsed commits whenever git is behind (the pipe
   is empty), so storing them fills the time git needs for the rest.

If an old tip is gone from the object store (a force push followed by gc),
the orphan check cannot run and the scan starts over with the whole history,
which the caller reconciles against what it stored.

Messages are read as bytes and decoded as UTF-8 with replacement characters,
so a commit written in a broken or legacy encoding never stops a scan.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from kanban.errors import UserError
from kanban.links.keys import KeyMatcher

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

# Unit separator between fields; -z puts a NUL between commits. The body comes
# last so a stray separator inside a message cannot shift the other fields.
_LOG_FORMAT = "--format=%H%x1f%an%x1f%ae%x1f%ad%x1f%B"
# The author date in UTC, as text in the form the SQLite store keeps: git formats
# it in C while we parse, so a large first scan makes no datetime object per commit.
_DATE_FORMAT = "--date=format-local:%Y-%m-%d %H:%M:%S"
_EPOCH_TEXT = "1970-01-01 00:00:00"
_CHUNK = 1 << 20
# Commits parsed ahead of the sink at most while git keeps the pipe full.
_HANDOVER_MAX = 8000
# Settings that would change git's output or make it wait for a terminal; TZ makes
# the format-local date above UTC.
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
    "GIT_PAGER": "cat",
    "TZ": "UTC",
    "GIT_FLUSH": "0",
}


class GitSourceError(UserError):
    """A repository that cannot be read; the message names it and what to do."""


class GitCommit(NamedTuple):
    """A commit that names at least one configured key.

    ``date`` is the author date in UTC as ``YYYY-MM-DD HH:MM:SS``; :attr:`at`
    turns it into a datetime when one is needed. A named tuple rather than a
    dataclass: a first scan makes tens of thousands, and a tuple is made in
    half the time of a frozen dataclass.
    """

    sha: str
    subject: str
    author: str
    email: str
    date: str
    keys: tuple[str, ...]

    @property
    def at(self) -> datetime:
        try:
            return datetime.fromisoformat(self.date).replace(tzinfo=UTC)
        except ValueError:
            return datetime.fromtimestamp(0, UTC)


@dataclass(slots=True)
class GitScanResult:
    """What one scan of one repository found.

    Attributes:
        tips: every branch's tip now (branch name → sha); store it for the next scan.
        commits: new commits that name a key.
        branch_keys: every branch that names a key (branch name → keys).
        orphaned: commits no longer reachable from any branch (drop their links).
        full: True when the whole history was walked; ``all_shas`` then holds every
            reachable commit so the caller can drop links to anything else.
        changed: False when no branch moved (nothing else was read).
        rewritten: branches whose previous tip is no longer in their history.
        walked: how many commits git log printed.
        previous: the tips the scan started from.
    """

    tips: dict[str, str]
    commits: list[GitCommit] = field(default_factory=list)
    branch_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    orphaned: set[str] = field(default_factory=set)
    full: bool = False
    all_shas: set[str] = field(default_factory=set)
    changed: bool = True
    rewritten: list[str] = field(default_factory=list)
    walked: int = 0
    previous: dict[str, str] = field(default_factory=dict)


def _widen_pipe(fd: int) -> None:
    """Let git write up to 1 MiB ahead of us (Linux; elsewhere the default pipe stays)."""
    set_size = getattr(fcntl, "F_SETPIPE_SZ", 1031) if fcntl is not None else None
    if set_size is None or not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(fd, set_size, _CHUNK)


def _git(path: Path, *args: str) -> list[str]:
    return ["git", "-C", str(path), "-c", "log.showSignature=false", "-c", "core.pager=cat", *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(_GIT_ENV)
    return env


def _run(path: Path, *args: str, stdin: str | None = None) -> str:
    try:
        proc = subprocess.run(
            _git(path, *args),
            input=stdin.encode() if stdin is not None else None,
            capture_output=True,
            env=_env(),
            check=False,
        )
    except FileNotFoundError as exc:
        raise GitSourceError(
            "The 'git' program was not found; install git to scan repositories."
        ) from exc
    if proc.returncode != 0:
        raise _git_failure(path, proc.stderr.decode("utf-8", "replace"))
    return proc.stdout.decode("utf-8", "replace")


def _git_failure(path: Path, stderr: str) -> GitSourceError:
    first = next((ln.strip() for ln in stderr.splitlines() if ln.strip()), "no message")
    if not path.exists():
        return GitSourceError(
            f"Repository {path} does not exist (any more); its links are kept. Fix the "
            "path in the links settings or remove it."
        )
    if "not a git repository" in stderr.lower():
        return GitSourceError(
            f"{path} is not a git repository; its links are kept. Fix the path in the "
            "links settings or remove it."
        )
    return GitSourceError(f"git failed on repository {path}: {first}. Its links are kept.")


def branch_name(ref: str) -> str:
    """``refs/heads/x`` → ``x``; ``refs/remotes/origin/x`` → ``origin/x``."""
    for prefix in ("refs/heads/", "refs/remotes/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return ref


def list_tips(path: Path) -> dict[str, str]:
    """Every branch's tip: local branches and remote-tracking ones (not ``origin/HEAD``)."""
    out = _run(
        path,
        "for-each-ref",
        "--format=%(objectname) %(objecttype) %(refname)",
        "refs/heads",
        "refs/remotes",
    )
    tips: dict[str, str] = {}
    for line in out.splitlines():
        sha, kind, ref = line.split(" ", 2)
        if kind != "commit" or ref.endswith("/HEAD"):
            continue
        tips[branch_name(ref)] = sha
    return tips


def parse_log_stream(
    chunks: Iterator[bytes], matcher: KeyMatcher, on_sha: Callable[[str], None] | None = None
) -> Iterator[list[GitCommit]]:
    """Parse ``git log -z`` output with :data:`_LOG_FORMAT`; yield batches of keyed commits.

    Each chunk's complete records are decoded in one go (NUL and the field
    separator are ASCII, so splitting after decoding is safe, and a bad byte
    only turns into U+FFFD within its own record).
    """
    pending = b""
    for chunk in chunks:
        data = pending + chunk
        cut = data.rfind(b"\0")
        if cut < 0:
            pending = data
            continue
        pending = data[cut + 1 :]
        batch = _parse_records(data[:cut].decode("utf-8", "replace"), matcher, on_sha)
        if batch:
            yield batch
    if pending.strip():
        batch = _parse_records(pending.decode("utf-8", "replace"), matcher, on_sha)
        if batch:
            yield batch


def _parse_records(
    text: str, matcher: KeyMatcher, on_sha: Callable[[str], None] | None
) -> list[GitCommit]:
    # The matcher's findall is called directly: at tens of thousands of commits
    # per scan, one Python call less per commit is a measurable part of the parse.
    findall = matcher.findall
    out: list[GitCommit] = []
    for raw in text.split("\0"):
        parts = raw.split("\x1f", 4)
        if len(parts) != 5:
            continue
        sha, author, email, when, body = parts
        sha = sha.lstrip("\n")
        if on_sha is not None:
            on_sha(sha)
        found = findall(body)
        if not found:
            continue
        keys = tuple(found) if len(found) == 1 else tuple(dict.fromkeys(found))
        subject = body.lstrip().split("\n", 1)[0].strip()
        # A date git cannot fit in YYYY-MM-DD HH:MM:SS (a year past 9999 from a
        # wrong clock) would be unreadable when stored: it counts as unknown.
        date = when if len(when) == len(_EPOCH_TEXT) else _EPOCH_TEXT
        out.append(GitCommit(sha, subject, author, email, date, keys))
    return out


def _output_waiting(fd: int) -> Callable[[], bool]:
    """A check whether git has written more than we have read (always False without poll)."""
    if not hasattr(select, "poll"):  # Windows: hand every batch over at once
        return lambda: False
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return lambda: bool(poller.poll(0))


def _feed(
    batches: Iterator[list[GitCommit]],
    sink: Callable[[list[GitCommit]], None],
    output_waiting: Callable[[], bool],
) -> None:
    """Hand parsed commits to ``sink`` at the moments we would otherwise wait for git.

    While git is ahead, its output is parsed first; the commits collected go to
    the sink (which stores them) as soon as the pipe runs dry, or after
    ``_HANDOVER_MAX`` of them. Storing thus fills the time git needs to print
    the rest, and git rarely blocks on a full pipe.
    """
    collected: list[GitCommit] = []
    for batch in batches:
        collected.extend(batch)
        if len(collected) >= _HANDOVER_MAX or not output_waiting():
            sink(collected)
            collected = []
    if collected:
        sink(collected)


def _walk(
    path: Path,
    include: list[str],
    exclude: list[str],
    matcher: KeyMatcher,
    result: GitScanResult,
    keep_all: bool,
    sink: Callable[[list[GitCommit]], None] | None,
) -> None:
    """One ``git log`` over ``include`` minus ``exclude``, parsed as it streams."""
    if not include:
        return
    stdin = "".join(f"{sha}\n" for sha in include) + "".join(f"^{sha}\n" for sha in exclude)
    try:
        proc = subprocess.Popen(
            _git(path, "log", "--stdin", "-z", "--no-color", _DATE_FORMAT, _LOG_FORMAT),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )
    except FileNotFoundError as exc:
        raise GitSourceError("The 'git' program was not found; install git.") from exc
    if proc.stdin is None or proc.stdout is None:  # both are PIPEs above: never None
        proc.kill()
        raise GitSourceError(f"Could not talk to git in {path}.")
    proc.stdin.write(stdin.encode())
    proc.stdin.close()
    shas: list[str] = []
    _widen_pipe(proc.stdout.fileno())
    fd = proc.stdout.fileno()

    def chunks() -> Iterator[bytes]:
        # os.read returns whatever git has written so far (up to 1 MiB); parsing it
        # at once keeps the pipe drained, so git rarely waits for us.
        while True:
            data = os.read(fd, _CHUNK)
            if not data:
                return
            yield data

    try:
        if sink is None:
            for batch in parse_log_stream(chunks(), matcher, shas.append):
                result.commits.extend(batch)
        else:
            _feed(parse_log_stream(chunks(), matcher, shas.append), sink, _output_waiting(fd))
    finally:
        if proc.poll() is None:
            proc.kill()  # stopped early (an error while handling a batch): do not wait
            for _ in iter(lambda: os.read(fd, _CHUNK), b""):
                pass
        proc.stdout.close()
        # stderr is small (error lines only), so reading it after stdout cannot deadlock.
        stderr = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
        code = proc.wait()
    if code != 0:
        raise _git_failure(path, stderr.decode("utf-8", "replace"))
    result.walked += len(shas)
    if keep_all:
        result.all_shas.update(shas)


def plan_scan(
    path: str | Path,
    matcher: KeyMatcher,
    previous: Mapping[str, str] | None = None,
    *,
    full: bool = False,
) -> GitScanResult:
    """Read the branch tips and decide what :func:`walk` must read (cheap: 1-2 processes).

    ``changed`` False means no branch moved and nothing needs walking.

    Raises:
        GitSourceError: the path is missing, not a repository, or git failed.
    """
    repo = Path(path).expanduser()
    if not repo.exists():
        raise _git_failure(repo, "")
    previous = dict(previous or {})
    tips = list_tips(repo)
    result = GitScanResult(tips=tips, previous=previous)
    for name in tips:
        keys = matcher.in_branch(name)
        if keys:
            result.branch_keys[name] = keys
    full = full or not previous
    if not full and tips == previous:
        result.changed = False
        return result
    if not full:
        moved_old = [sha for name, sha in previous.items() if tips.get(name) != sha]
        if moved_old:
            try:
                out = _run(
                    repo,
                    "rev-list",
                    "--stdin",
                    stdin="".join(f"{s}\n" for s in moved_old)
                    + "".join(f"^{s}\n" for s in set(tips.values())),
                )
            except GitSourceError as exc:
                # An old tip was garbage-collected after a force push: start over.
                log.info("Rescanning all of %s: %s", repo, exc)
                full = True
            else:
                result.orphaned = set(out.split())
                result.rewritten = sorted(
                    name
                    for name, sha in previous.items()
                    if name in tips and tips[name] != sha and sha in result.orphaned
                )
    if full:
        result.full = True
        result.orphaned = set()
    return result


def walk(
    path: str | Path,
    plan: GitScanResult,
    matcher: KeyMatcher,
    sink: Callable[[list[GitCommit]], None] | None = None,
) -> GitScanResult:
    """Run the one ``git log`` that :func:`plan_scan` decided on.

    Args:
        sink: receives batches of keyed commits while git is still writing, at the
            moments git is behind, so the caller stores them meanwhile; without it
            they go to ``plan.commits``.
    """
    repo = Path(path).expanduser()
    if not plan.changed:
        return plan
    if plan.full:
        _walk(repo, sorted(set(plan.tips.values())), [], matcher, plan, True, sink)
        return plan
    include = sorted({sha for name, sha in plan.tips.items() if plan.previous.get(name) != sha})
    exclude = sorted(set(plan.previous.values()))
    _walk(repo, include, exclude, matcher, plan, False, sink)
    return plan


def scan_repository(
    path: str | Path,
    matcher: KeyMatcher,
    previous: Mapping[str, str] | None = None,
    *,
    full: bool = False,
) -> GitScanResult:
    """Scan ``path`` for commits and branches naming ``matcher``'s keys.

    Args:
        path: the repository (work tree or bare).
        previous: branch tips stored after the last scan; empty or None for a first scan.
        full: walk the whole history even if ``previous`` is given (e.g. the keys changed).

    Raises:
        GitSourceError: the path is missing, not a repository, or git failed.
    """
    return walk(path, plan_scan(path, matcher, previous, full=full), matcher)
