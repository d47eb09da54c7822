"""Helpers for the links tests: real git repositories and a loopback HTTP host."""

from __future__ import annotations

import json
import os
import subprocess
import threading
import urllib.parse
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

Handler = Callable[[dict[str, list[str]], dict[str, str]], tuple[int, Any]]


class GitRepo:
    """A real repository in a temporary folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._tick = 0
        # "EPOCH +HHMM" for the next commits' author and committer date, or None
        self.date: str | None = None
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(
        self,
        *args: str,
        author: str = "Alice Admin",
        email: str = "alice@example.com",
        stdin: bytes | None = None,
    ) -> str:
        self._tick += 1
        stamp = self.date or f"{1_760_000_000 + self._tick * 60} +0000"
        env = dict(os.environ)
        env.update(
            GIT_AUTHOR_NAME=author,
            GIT_AUTHOR_EMAIL=email,
            GIT_AUTHOR_DATE=stamp,
            GIT_COMMITTER_NAME=author,
            GIT_COMMITTER_EMAIL=email,
            GIT_COMMITTER_DATE=stamp,
            GIT_CONFIG_NOSYSTEM="1",
            HOME=str(self.path.parent),
        )
        proc = subprocess.run(
            ["git", "-C", str(self.path), "-c", "commit.gpgsign=false", *args],
            input=stdin,
            capture_output=True,
            env=env,
            check=True,
        )
        return proc.stdout.decode("utf-8", "replace").strip()

    def commit(self, message: str | bytes, **who: str) -> str:
        raw = message.encode() if isinstance(message, str) else message
        self.git("commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", "-", stdin=raw, **who)
        return self.git("rev-parse", "HEAD")

    def fast_import(
        self,
        messages: list[str],
        branch: str = "main",
        *,
        parent: str | None = None,
        start: int = 1_700_000_000,
    ) -> None:
        """Many commits in one ``git fast-import`` run (seconds instead of minutes).

        ``parent`` (a sha) is where a new ``branch`` starts; ``start`` the first date.
        """
        stream: list[bytes] = []
        for n, message in enumerate(messages, start=1):
            raw = message.encode()
            who = f"Dev <dev@example.com> {start + n * 60} +0000".encode()
            stream += [
                f"commit refs/heads/{branch}\n".encode(),
                b"author " + who + b"\n",
                b"committer " + who + b"\n",
                f"data {len(raw)}\n".encode() + raw + b"\n",
            ]
            if n == 1 and parent is not None:
                stream.append(f"from {parent}\n".encode())
        self.git("fast-import", "--quiet", stdin=b"".join(stream))

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.git("checkout", "-q", "-b", name, start)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)


class Loopback:
    """A tiny HTTP host: ``routes[path] = handler(query, headers) -> (status, json|bytes)``."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
        # path → function(query) → extra response headers (e.g. GitHub's Link)
        self.extra_headers: dict[str, Callable[[dict[str, list[str]]], dict[str, str]]] = {}
        loop = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server calls it by this name
                parsed = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(parsed.query)
                headers = {k.lower(): v for k, v in self.headers.items()}
                loop.requests.append((parsed.path, query, headers))
                handler = loop.routes.get(parsed.path)
                if handler is None:
                    status, body = 404, {"errors": [{"message": f"No route {parsed.path}"}]}
                else:
                    status, body = handler(query, headers)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                extra = loop.extra_headers.get(parsed.path)
                for name, value in (extra(query) if extra else {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
