"""A real HTTP server on 127.0.0.1 that replays recorded responses (and injected faults).

Routes map a request path (without query) to a list of responses served in turn; the last one
repeats. Each response is (status, headers, body) plus optional ``delay`` seconds before the
answer and ``truncate`` (announce a longer Content-Length than is sent, then close).
Every request is logged with its path, query and headers, so tests can assert what was asked.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False
    etag: str = ""  # answer 304 when the request's If-None-Match matches


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.default: list[Reply] = []  # served for any path without a route of its own
        self.log: list[dict] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                with server._lock:
                    server.log.append(
                        {"path": parts.path, "query": parts.query, "headers": dict(self.headers)}
                    )
                    queue = server.routes.get(parts.path) or server.default
                    if not queue:
                        reply = Reply(
                            404, b"no such recorded route", {"Content-Type": "text/plain"}
                        )
                    else:
                        reply = queue.pop(0) if len(queue) > 1 else queue[0]
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.etag and self.headers.get("If-None-Match") == reply.etag:
                    self.send_response(304)
                    self.send_header("ETag", reply.etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                if reply.etag:
                    self.send_header("ETag", reply.etag)
                length = len(reply.body) + (1000 if reply.truncate else 0)
                self.send_header("Content-Length", str(length))
                if reply.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                try:
                    self.wfile.write(reply.body)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass
                if reply.truncate:
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.log if r["path"] == path]
