"""`steward docs serve`: the built site over HTTP on 127.0.0.1 only (never another
interface: the site names owners and their contacts)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path

HOST = "127.0.0.1"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def server(folder: Path, port: int) -> http.server.ThreadingHTTPServer:
    """A server of `folder` on 127.0.0.1:`port` (0: any free port); not yet serving."""
    handler = functools.partial(_Quiet, directory=str(folder))
    return http.server.ThreadingHTTPServer((HOST, port), handler)
