"""Load a page in headless Chromium and report what it asked for and what it links to.

Talks the DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4, messages
ended by a NUL byte): no port, no websocket library, nothing but the standard library and
Debian's ``chromium``. Used by tests/integration/test_report.py to prove the HTML report is offline.
"""

from __future__ import annotations

import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

INSTALL_HINT = (
    "headless Chromium is needed to check the HTML report (no request leaving the machine, no "
    "broken link) and was not found as `chromium` (Debian's package) or `chromium-browser` on "
    "PATH. Install it with `sudo apt-get install -y chromium` (.ci/run does this on CI), or "
    "point $CHROMIUM at the binary."
)

REMOTE_SCHEMES = ("http", "https", "ws", "wss", "ftp")
LOCAL_SCHEMES = ("file", "data", "about", "blob")

# Chromium's own background traffic off, so every request seen comes from the page.
FLAGS = (
    "--headless",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-gpu",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--metrics-recording-only",
    "--mute-audio",
)


def find_chromium() -> str | None:
    """The Chromium binary: $CHROMIUM, else `chromium` or `chromium-browser` on PATH."""
    env = os.environ.get("CHROMIUM")
    if env:
        return env if Path(env).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageLoad:
    """What one page did while loading: every URL it requested, the requests that failed
    (with Chromium's error text), and every href/src in its DOM, resolved to absolute URLs."""

    url: str
    title: str = ""
    requested: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class Browser:
    """One headless Chromium process; ``load(url)`` opens a page in a fresh tab and waits until
    the network is idle (or ``timeout`` seconds pass), then reads the DOM's links."""

    def __init__(self, binary: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="asean-japan-chromium-")
        # our pipe ends moved above fd 10 (close-on-exec), so wiring fds 3 and 4 in the child
        # cannot clobber them; the dup2 copies are inheritable and survive the exec
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()
        child_in = fcntl.fcntl(to_child_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_child_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_child_r)
        os.close(from_child_w)
        flags = [*FLAGS, f"--user-data-dir={self._profile.name}"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox

        def wire() -> None:  # in the child: DevTools reads fd 3 and writes fd 4
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        try:
            self._proc = subprocess.Popen(
                [binary, *flags, "about:blank"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                preexec_fn=wire,
                close_fds=False,  # closing would drop fds 3 and 4 after wire(); ours are CLOEXEC
            )
        finally:
            os.close(child_in)
            os.close(child_out)
        self._buf = b""
        self._next_id = 0
        self._events: list[dict] = []

    # -- the protocol -------------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        msg: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode() + b"\0")
        return self._next_id

    def _read(self, deadline: float) -> dict | None:
        """The next message from Chromium, or None when ``deadline`` passes first."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self._from_child], [], [], left)
            if not ready:
                return None
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe (it exited)")
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send a command and wait for its answer; events read meanwhile are kept."""
        want = self._send(method, params, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._read(deadline)
            if msg is None:
                raise TimeoutError(f"chromium did not answer {method} in {self.timeout:.0f} s")
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"chromium: {method} failed: {msg['error']}")
                return msg.get("result", {})
            self._events.append(msg)

    # -- a page -------------------------------------------------------------------------
    def load(self, url: str) -> PageLoad:
        return self.load_all([url])[0]

    def load_all(self, urls: list[str]) -> list[PageLoad]:
        """Each URL in a tab of its own, all loading at once (each waits for its network to be
        idle, half a second without a request: one after the other they took 1.1 s each)."""
        self._events.clear()
        tabs = []  # (target, session, page, request id -> url, loader)
        for url in urls:
            target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
            session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
                "sessionId"
            ]
            for method, params in (
                ("Network.enable", {}),
                # the check itself never reaches the network: a page's request for anything but
                # a local file is recorded (requestWillBeSent fires first), then refused here
                ("Network.setBlockedURLs", {"urls": [f"{s}://*" for s in REMOTE_SCHEMES]}),
                ("Page.enable", {}),
                ("Page.setLifecycleEventsEnabled", {"enabled": True}),
            ):
                self.call(method, params, session)
            tabs.append([target, session, PageLoad(url), {}, None])
        for tab in tabs:
            tab[4] = self.call("Page.navigate", {"url": tab[2].url}, tab[1]).get("loaderId")
        by_session = {tab[1]: tab for tab in tabs}
        busy = set(by_session)
        deadline = time.monotonic() + self.timeout
        while busy:
            msg = self._events.pop(0) if self._events else self._read(deadline)
            if msg is None:
                late = [by_session[s][2].url for s in busy]
                raise TimeoutError(f"{late} did not finish loading in {self.timeout:.0f} s")
            tab = by_session.get(msg.get("sessionId", ""))
            if tab is None:
                continue
            page, urls = tab[2], tab[3]
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Network.requestWillBeSent":
                page.requested.append(params["request"]["url"])
                urls[params["requestId"]] = params["request"]["url"]
            elif method == "Network.loadingFailed":
                url_failed = urls.get(params.get("requestId", ""), "?")
                why = params.get("errorText") or params.get("blockedReason", "")
                page.failed.append((url_failed, why))
            elif (
                method == "Page.lifecycleEvent"
                and params.get("name") == "networkIdle"
                and params.get("loaderId") == tab[4]  # not about:blank's own idle
            ):
                busy.discard(tab[1])
        js = (
            "JSON.stringify({title: document.title, links: Array.from("
            "document.querySelectorAll('[href],[src]')).map(e => new URL("
            "e.getAttribute('href') ?? e.getAttribute('src'), document.baseURI).href)})"
        )
        for target, session, page, _, _ in tabs:
            got = self.call("Runtime.evaluate", {"expression": js, "returnByValue": True}, session)
            dom = json.loads(got["result"]["value"])
            page.title, page.links = dom["title"], dom["links"]
            self.call("Target.closeTarget", {"targetId": target})
        return [tab[2] for tab in tabs]

    def screenshot(self, url: str, path: Path, width: int = 1280, height: int = 2000) -> Path:
        """A PNG of the top ``height`` pixels of ``url`` (for looking at the report)."""
        import base64

        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        self.call("Page.enable", {}, session)
        self.call("Page.navigate", {"url": url}, session)
        deadline = time.monotonic() + self.timeout
        while True:
            msg = self._events.pop(0) if self._events else self._read(deadline)
            if msg is None or (
                msg.get("sessionId") == session and msg.get("method") == "Page.loadEventFired"
            ):
                break
        shot = self.call("Page.captureScreenshot", {"format": "png"}, session)
        path.write_bytes(base64.b64decode(shot["data"]))
        self.call("Target.closeTarget", {"targetId": target})
        return path

    def close(self) -> None:
        try:
            self._send("Browser.close")
            self._proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        finally:
            os.close(self._to_child)
            os.close(self._from_child)
            self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def remote_requests(page: PageLoad) -> list[str]:
    """Requests the page made for anything but a local file or inline data."""
    return [u for u in page.requested if u.split(":", 1)[0].lower() not in LOCAL_SCHEMES]


def broken_links(page: PageLoad) -> list[str]:
    """Each href/src of the page that does not resolve: not a local file, a file that does not
    exist, an anchor (#id) missing from its page, or a request that failed while loading."""
    from urllib.parse import unquote, urlsplit

    problems = [f"{u}: failed to load ({err})" for u, err in page.failed]
    ids: dict[Path, set[str]] = {}
    for link in dict.fromkeys(page.links):
        parts = urlsplit(link)
        if parts.scheme == "data":
            continue
        if parts.scheme != "file":
            problems.append(f"{link}: not a local file")
            continue
        path = Path(unquote(parts.path))
        if not path.is_file():
            problems.append(f"{link}: no such file {path}")
            continue
        if parts.fragment and path.suffix == ".html":
            if path not in ids:
                ids[path] = element_ids(path.read_text(encoding="utf-8"))
            if unquote(parts.fragment) not in ids[path]:
                problems.append(f"{link}: no element with id {unquote(parts.fragment)!r}")
    return problems


def element_ids(html: str) -> set[str]:
    """Every id (and a's name) in an HTML document: the targets a #fragment can point at."""
    from html.parser import HTMLParser

    found: set[str] = set()

    class Ids(HTMLParser):
        def handle_starttag(self, tag, attrs):
            for k, v in attrs:
                if v is not None and (k == "id" or (k == "name" and tag == "a")):
                    found.add(v)

    Ids().feed(html)
    return found
