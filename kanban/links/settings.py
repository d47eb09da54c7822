"""What the links feature scans, as kept under ``[links]`` in the config file.

Git repositories, Bitbucket Server and GitHub repositories, whether JIRA's
development panel is asked, the project keys (by default the JIRA connection's,
from ``[jira]``) and the column names the automation rules move cards to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kanban.errors import InvalidInput
from kanban.links.keys import clean_project_keys
from kanban.settings import Config


@dataclass(frozen=True, slots=True)
class GitRepoSetting:
    path: str
    name: str = ""
    # e.g. "https://bitbucket.example.com/projects/OPS/repos/infra/commits/{sha}"
    commit_url: str | None = None

    @property
    def display(self) -> str:
        return self.name or Path(self.path).name or self.path


@dataclass(frozen=True, slots=True)
class BitbucketSetting:
    url: str
    project: str
    repo: str


@dataclass(frozen=True, slots=True)
class GitHubSetting:
    repo: str  # owner/name
    api: str = "https://api.github.com"


@dataclass(frozen=True, slots=True)
class LinksSettings:
    """What to scan; kept under ``[links]`` in the config file.

    ``keys`` default to the JIRA connection's project keys (``[jira]``) when the
    links section names none.
    """

    repos: tuple[GitRepoSetting, ...] = ()
    keys: tuple[str, ...] = ()
    bitbucket: tuple[BitbucketSetting, ...] = ()
    github: tuple[GitHubSetting, ...] = ()
    devstatus: bool = True
    columns: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Config) -> LinksSettings:
        section = config.extra.get("links") or {}
        if not isinstance(section, dict):
            raise InvalidInput("The [links] section of the config file must be a table.")
        repos: list[GitRepoSetting] = []
        for item in section.get("repos") or []:
            if isinstance(item, str):
                repos.append(GitRepoSetting(item))
            elif isinstance(item, dict) and item.get("path"):
                repos.append(
                    GitRepoSetting(
                        str(item["path"]), str(item.get("name") or ""), item.get("commit_url")
                    )
                )
        hosts = tuple(
            BitbucketSetting(str(b["url"]), str(b["project"]), str(b["repo"]))
            for b in section.get("bitbucket") or []
            if isinstance(b, dict) and b.get("url") and b.get("project") and b.get("repo")
        )
        github = tuple(
            GitHubSetting(str(g["repo"]), str(g.get("api") or "https://api.github.com"))
            for g in section.get("github") or []
            if isinstance(g, dict) and g.get("repo")
        )
        keys = section.get("keys") or jira_project_keys(config)
        if isinstance(keys, str):
            keys = [keys]
        return cls(
            repos=tuple(repos),
            keys=clean_project_keys(keys),
            bitbucket=hosts,
            github=github,
            devstatus=bool(section.get("devstatus", True)),
            columns=dict(section.get("columns") or {}),
        )

    def save_to(self, config: Config) -> None:
        """Write the settings back into ``config.extra['links']`` (not saved to disk)."""
        section = dict(config.extra.get("links") or {})
        section["bitbucket"] = [
            {"url": b.url, "project": b.project, "repo": b.repo} for b in self.bitbucket
        ]
        section["github"] = [{"repo": g.repo, "api": g.api} for g in self.github]
        section["devstatus"] = self.devstatus
        section["repos"] = [
            {
                k: v
                for k, v in (("path", r.path), ("name", r.name), ("commit_url", r.commit_url))
                if v
            }
            for r in self.repos
        ]
        section["keys"] = list(self.keys)
        config.extra["links"] = section


def jira_project_keys(config: Config) -> list[str]:
    """The JIRA connection's project keys, whichever spelling its settings use."""
    jira = config.extra.get("jira") or {}
    if not isinstance(jira, dict):
        return []
    for name in ("project_keys", "projects", "keys", "project"):
        value = jira.get(name)
        if isinstance(value, str) and value.strip():
            return [v for v in value.replace(" ", ",").split(",") if v]
        if isinstance(value, list) and value:
            return [str(v) for v in value]
    return []
