"""Key extraction and git scanning against real repositories made in tmp_path."""

from __future__ import annotations

import shutil
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kanban.errors import InvalidInput
from kanban.links.gitscan import GitSourceError, scan_repository
from kanban.links.keys import KeyMatcher, clean_project_keys
from links.helpers import GitRepo

OPS = KeyMatcher(["OPS", "PROJ"])


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("PROJ-12: fix", ("PROJ-12",)),
        ("[PROJ-12] fix", ("PROJ-12",)),
        ("fix (PROJ-12)", ("PROJ-12",)),
        ("PROJ-12 and OPS-3, then PROJ-12 again", ("PROJ-12", "OPS-3")),
        ("Use UTF-8, SHA-256 and ISO-8601 everywhere", ()),
        ("XPROJ-12 and PROJ-0 are not keys", ()),
        ("PROJ-123 is not PROJ-12", ("PROJ-123", "PROJ-12")),
        ("proj-12 in lower case is not a key in a message", ()),
        ("fix_PROJ-7.", ("PROJ-7",)),
    ],
)
def test_keys_in_messages(text: str, keys: tuple[str, ...]) -> None:
    assert OPS.in_text(text) == keys


def test_keys_in_branch_names_ignore_case() -> None:
    assert OPS.in_branch("feature/PROJ-12-dns") == ("PROJ-12",)
    assert OPS.in_branch("bugfix/ops-4_and_proj-5") == ("OPS-4", "PROJ-5")
    assert OPS.in_branch("release/2024-10") == ()


def test_project_keys_are_validated() -> None:
    assert clean_project_keys(["ops, proj", "OPS"]) == ("OPS", "PROJ")
    with pytest.raises(InvalidInput, match="OPS-12"):
        clean_project_keys(["OPS-12"])


def history(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    """main with two feature branches, one merged back, in every message style."""
    repo = make_repo("infra")
    repo.commit("Initial import, UTF-8 everywhere, SHA-256 sums")
    repo.branch("feature/OPS-12-dns")
    repo.commit("OPS-12: add zone file")
    repo.commit("[OPS-12] fix serial\n\nAlso touches PROJ-3 (ISO-8601 dates).")
    repo.checkout("main")
    repo.commit("fix backup job (OPS-7)", author="Bob Builder", email="bob@example.com")
    repo.git(
        "merge", "-q", "--no-ff", "-m", "Merge branch 'feature/OPS-12-dns'", "feature/OPS-12-dns"
    )
    repo.branch("bugfix/proj-9-ntp")
    repo.commit("ntp drift fix")
    repo.checkout("main")
    return repo


def test_first_scan_reads_every_branch_once(make_repo: Callable[[str], GitRepo]) -> None:
    repo = history(make_repo)
    result = scan_repository(repo.path, OPS)
    by_subject = {c.subject: c.keys for c in result.commits}
    assert by_subject == {
        "OPS-12: add zone file": ("OPS-12",),
        "[OPS-12] fix serial": ("OPS-12", "PROJ-3"),
        "fix backup job (OPS-7)": ("OPS-7",),
        "Merge branch 'feature/OPS-12-dns'": ("OPS-12",),
    }
    assert result.walked == 6  # every commit once, though two branches share history
    assert result.branch_keys == {
        "feature/OPS-12-dns": ("OPS-12",),
        "bugfix/proj-9-ntp": ("PROJ-9",),
    }
    bob = next(c for c in result.commits if c.keys == ("OPS-7",))
    assert (bob.author, bob.email) == ("Bob Builder", "bob@example.com")


def test_rescan_reads_only_new_commits(make_repo: Callable[[str], GitRepo]) -> None:
    repo = history(make_repo)
    first = scan_repository(repo.path, OPS)
    again = scan_repository(repo.path, OPS, first.tips)
    assert not again.changed and again.walked == 0 and again.commits == []
    repo.checkout("bugfix/proj-9-ntp")
    repo.commit("PROJ-9: chrony instead of ntpd")
    third = scan_repository(repo.path, OPS, first.tips)
    assert third.walked == 1
    assert [c.subject for c in third.commits] == ["PROJ-9: chrony instead of ntpd"]
    assert not third.orphaned


def test_force_pushed_branch_drops_rewritten_commits(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = history(make_repo)
    repo.checkout("bugfix/proj-9-ntp")
    old = repo.commit("PROJ-9 wip")
    first = scan_repository(repo.path, OPS)
    assert old in {c.sha for c in first.commits}
    repo.git("reset", "-q", "--hard", "HEAD~1")
    new = repo.commit("PROJ-9: done properly")
    second = scan_repository(repo.path, OPS, first.tips)
    assert old in second.orphaned
    assert second.rewritten == ["bugfix/proj-9-ntp"]
    assert [c.sha for c in second.commits] == [new]


def test_garbage_collected_old_tip_falls_back_to_a_full_scan(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = history(make_repo)
    repo.checkout("bugfix/proj-9-ntp")
    repo.commit("PROJ-9 wip")
    first = scan_repository(repo.path, OPS)
    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.git("reflog", "expire", "--expire=now", "--all")
    repo.git("gc", "-q", "--prune=now")
    second = scan_repository(repo.path, OPS, first.tips)
    assert second.full
    assert "PROJ-9 wip" not in {c.subject for c in second.commits}
    assert len(second.all_shas) == 6


def test_broken_encoding_is_read_with_replacement(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("legacy")
    base = repo.commit("OPS-4: start")
    tree = repo.git("rev-parse", "HEAD^{tree}")
    who = "Carol <carol@example.com> 1760000000 +0000"
    # git commit would re-encode; a raw object keeps bytes that are not UTF-8 at all,
    # and a bogus encoding header that git log cannot convert from.
    for header, body in (
        ("", b"OPS-5: caf\xe9 \xff\xfe broken"),
        ("encoding x-bogus\n", b"OPS-6 \xc3("),
    ):
        raw = (
            f"tree {tree}\nparent {base}\nauthor {who}\ncommitter {who}\n{header}\n".encode() + body
        )
        base = repo.git("hash-object", "-t", "commit", "-w", "--stdin", stdin=raw)
    repo.git("update-ref", "refs/heads/main", base)
    result = scan_repository(repo.path, OPS)
    subjects = {c.keys: c.subject for c in result.commits}
    assert set(subjects) == {("OPS-4",), ("OPS-5",), ("OPS-6",)}
    assert "\ufffd" in subjects[("OPS-5",)] and "\ufffd" in subjects[("OPS-6",)]


def test_not_a_repository_and_vanished_repository(
    make_repo: Callable[[str], GitRepo], tmp_path
) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitSourceError, match=r"plain is not a git repository"):
        scan_repository(plain, OPS)
    repo = history(make_repo)
    first = scan_repository(repo.path, OPS)
    shutil.rmtree(repo.path)
    with pytest.raises(GitSourceError, match=r"infra does not exist"):
        scan_repository(repo.path, OPS, first.tips)


STYLES = ("{k}: fix", "[{k}] fix", "fix ({k})", "fix {k}.", "{k}, {k}", "merge {k}\n\nbody")


@given(
    project=st.from_regex(r"[A-Z][A-Z0-9]{1,6}", fullmatch=True),
    number=st.integers(min_value=1, max_value=99_999),
    style=st.sampled_from(STYLES),
    other=st.from_regex(r"[A-Z][A-Z0-9]{1,6}", fullmatch=True),
)
def test_any_style_finds_the_key_and_only_configured_projects_count(
    project: str, number: int, style: str, other: str
) -> None:
    key = f"{project}-{number}"
    matcher = KeyMatcher([project])
    assert matcher.in_text(style.format(k=key)) == (key,)
    assert matcher.in_branch(f"feature/{key.lower()}-work") == (key,)
    if other != project and not other.endswith(project):
        # Another project's key (or a word like UTF-8) is never taken for ours.
        assert matcher.in_text(style.format(k=f"{other}-{number}")) == ()
