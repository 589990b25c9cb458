"""Serve a built site on 127.0.0.1 under its base path, the way GitHub Pages serves a project site.

Used by `broadsheet serve` and by the browser tests.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def site_handler(site: Path, base_path: str) -> type[http.server.SimpleHTTPRequestHandler]:
    """A request handler for `site` mounted at `base_path`; missing pages get the site's 404.html."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(site), **kwargs)

        def translate_path(self, path: str) -> str:
            if not path.startswith(base_path):
                return str(site / "__outside_base_path__")
            return super().translate_path("/" + path[len(base_path) :])

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            # GitHub Pages answers a missing URL with the site's 404.html.
            if code == 404 and (site / "404.html").is_file():
                body = (site / "404.html").read_bytes()
                self.send_response(404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().send_error(code, message, explain)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


@contextlib.contextmanager
def serve(site: Path, base_path: str, port: int = 0) -> Iterator[int]:
    """Serve `site` at http://127.0.0.1:<port><base_path>; yields the port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), site_handler(site, base_path))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
