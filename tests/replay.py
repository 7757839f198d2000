"""A real HTTP server on 127.0.0.1 that replays recorded responses (and injected faults).

Routes map a request path (without query) to a list of responses served in turn; the last one
repeats. Each response is (status, headers, body) plus optional ``delay`` seconds before the
answer and ``truncate`` (announce a longer Content-Length than is sent, then close).
Streamed replies, for the client's limits: ``chunked`` (Transfer-Encoding: chunked, the body sent
``repeat`` times, 0 = until the client hangs up), ``drip`` (seconds between single bytes of the
body, and of the status line and headers too with ``drip_headers``) and ``length`` (a
Content-Length to announce instead of the body's own). A streamed reply never lasts longer than
``limit`` seconds nor outlives the server's ``stop()``: the server's loops are bounded.
Every request is logged with its path, query, headers and arrival (monotonic clock), so tests can assert what was asked.
"""

from __future__ import annotations

import sys
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
    chunked: bool = False
    repeat: int = 1
    drip: float = 0.0
    drip_headers: bool = False
    length: int | None = None
    limit: float = 20.0

    @property
    def streamed(self) -> bool:
        return self.chunked or self.drip > 0 or self.length is not None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # the client hung up (it closes answers it refuses): no traceback
        super().handle_error(request, client_address)


class ReplayServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.default: list[Reply] = []  # served for any path without a route of its own
        self.log: list[dict] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                with server._lock:
                    server.log.append(
                        {
                            "path": parts.path,
                            "query": parts.query,
                            "headers": dict(self.headers),
                            "time": time.monotonic(),
                        }
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
                if reply.streamed:
                    self._stream(reply)
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

            def _stream(self, reply: Reply) -> None:
                self.close_connection = True
                end = time.monotonic() + reply.limit
                lines = [f"HTTP/1.1 {reply.status} {self.responses.get(reply.status, ('',))[0]}"]
                lines += [f"{k}: {v}" for k, v in reply.headers.items()]
                if reply.chunked:
                    lines.append("Transfer-Encoding: chunked")
                else:
                    size = len(reply.body) if reply.length is None else reply.length
                    lines.append(f"Content-Length: {size}")
                lines.append("Connection: close")
                head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")

                def send(data: bytes, drip: float) -> bool:
                    if server._stopping.is_set() or time.monotonic() > end:
                        return False
                    if not drip:
                        self.wfile.write(data)
                        return True
                    for i in range(len(data)):
                        self.wfile.write(data[i : i + 1])
                        if server._stopping.wait(drip) or time.monotonic() > end:
                            return False
                    return True

                try:
                    if not send(head, reply.drip if reply.drip_headers else 0.0):
                        return
                    part = reply.body
                    if reply.chunked:
                        part = f"{len(reply.body):x}\r\n".encode() + reply.body + b"\r\n"
                    sent = 0
                    while reply.repeat == 0 or sent < reply.repeat:
                        if not send(part, reply.drip):
                            return
                        sent += 1
                    if reply.chunked:
                        send(b"0\r\n\r\n", 0.0)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client hung up: what the limits are for

        self.httpd = _Server(("127.0.0.1", 0), Handler)
        # a short poll interval: stop() returns in ~0.005 s instead of serve_forever's 0.5 s (a
        # few hundred servers start and stop in the suite; waking 200 times a second costs nothing)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self._stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests_to(self, path: str) -> list[dict]:
        return [r for r in self.log if r["path"] == path]
