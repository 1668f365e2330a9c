"""Asking a web API: one GET, bounded in time and size, and answers kept outside the project.

`enrich` (arXiv) and `fetch` (Hugging Face) use it. A request gets `timeout` seconds in
all, however slowly a server drips its answer: it runs in a thread of its own that is
abandoned when the time is up. Answers are cached in this user's cache folder, never
inside a project, where a repository could ship a "cached answer" of its choosing.
"""

from __future__ import annotations

import hashlib
import os
import stat
import threading
import urllib.error
import urllib.request
from pathlib import Path

from generator.content.files import UnsafePath, read_regular, write_atomic
from generator.errors import ReadingListError

USER_AGENT = "readinglist (https://github.com/; a reading-list site generator)"


class Offline(ReadingListError):
    """The service cannot be reached at all: the command changes nothing."""


class RequestFailed(Exception):
    """One request failed (an HTTP error, a timeout, an answer too long); others go on."""


def get(url: str, timeout: float, limit: int, service: str) -> bytes:
    """The body of a GET of `url`, within `timeout` seconds in all and `limit` bytes."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["body"] = _get(url, timeout, limit, service)
        except BaseException as exc:  # handed to the caller's thread, below
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="readinglist-request", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():  # a server that drips its answer: the thread is left to die
        raise RequestFailed(f"no answer within {timeout:g} s")
    error = outcome.get("error")
    if isinstance(error, BaseException):
        raise error
    body = outcome["body"]
    assert isinstance(body, bytes)
    return body


def _get(url: str, timeout: float, limit: int, service: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(limit + 1)
    except urllib.error.HTTPError as exc:
        raise RequestFailed(f"{service} answered HTTP {exc.code}") from None
    except TimeoutError:
        raise RequestFailed(f"no answer within {timeout:g} s") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, TimeoutError):
            raise RequestFailed(f"no answer within {timeout:g} s") from None
        raise Offline(f"{service} cannot be reached ({reason}); nothing was changed") from None
    if len(body) > limit:
        raise RequestFailed(f"{service} answered more than {limit:,} bytes")
    return body


def cache_home() -> Path:
    """This user's cache: `$XDG_CACHE_HOME/readinglist`, by default `~/.cache/readinglist`."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache")
    return Path(base) / "readinglist"


class Cache:
    """Answers by URL, in an owner-only folder of this user's cache."""

    def __init__(self, name: str, limit: int) -> None:
        self.folder = cache_home() / name
        self.limit = limit

    def _path(self, url: str) -> Path:
        return self.folder / (hashlib.sha256(url.encode()).hexdigest()[:32] + ".answer")

    def get(self, url: str) -> bytes | None:
        try:
            self._check()
            return read_regular(self._path(url), self.limit)
        except (FileNotFoundError, UnsafePath):
            return None

    def put(self, url: str, body: bytes) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._check()
        write_atomic(self._path(url), body, durable=False)

    def _check(self) -> None:
        """Refuse a folder another user could write to: its answers would not be ours."""
        info = self.folder.lstat()
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
            raise UnsafePath(self.folder, "is not a folder that only you can write to")
