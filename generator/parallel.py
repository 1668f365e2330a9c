"""Run two independent parts of the generator at once, one of them in a forked child.

MkDocs builds pages one by one in one process, so a second core would otherwise sit
idle through the whole build. `both(first, second)` runs `second` in a child forked
from this process while this process runs `first`; the child reads the library it
inherited (nothing is copied up front) and sends back only its result, pickled. Where
fork does not exist (Windows), on one core, or for a library so small that forking
costs more than it saves, the two simply run here one after the other.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, TypeVar

A = TypeVar("A")
B = TypeVar("B")

MIN_PAPERS = 1000
"""Below this many papers the generator takes well under a second: not worth a fork."""


def worth_it(papers: int) -> bool:
    """Whether a library of this size gains from running two parts at once here."""
    return (
        papers >= MIN_PAPERS
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class Chunks:
    """Consecutive slices of `range(total)`, each handed to whichever process asks first.

    Made `shared` before a fork, parent and child draw from one counter, so each
    takes work as fast as it gets through it and neither waits for the other.
    """

    def __init__(self, total: int, size: int, shared: bool) -> None:
        self.total = total
        self.size = size
        self._next = multiprocessing.get_context("fork").Value("q", 0) if shared else None
        self._local = 0

    def __iter__(self) -> Iterator[tuple[int, int]]:
        while (start := self._take()) < self.total:
            yield start, min(start + self.size, self.total)

    def _take(self) -> int:
        if self._next is None:
            start, self._local = self._local, self._local + self.size
            return start
        with self._next.get_lock():
            start = self._next.value
            self._next.value = start + self.size
        return start


class ChildFailed(RuntimeError):
    """The forked child raised an exception that could not be sent back, or died."""


def both(first: Callable[[], A], second: Callable[[], B], fork: bool) -> tuple[A, B]:
    """`(first(), second())`, with `second` in a forked child when `fork` is true.

    An exception in either is raised here, the child's as itself when it pickles.
    """
    if not fork:
        return first(), second()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_run_and_send, args=(second, sender), daemon=True)
    child.start()
    sender.close()
    try:
        result = first()
        # Read before joining: a large result fills the pipe until it is read.
        outcome = _receive(receiver)
    except BaseException:
        child.terminate()  # its result is no longer wanted
        raise
    finally:
        receiver.close()
        child.join()
    ok, value = outcome
    if not ok:
        raise value
    return result, value


def _run_and_send(job: Callable[[], Any], sender: Connection) -> None:
    try:
        outcome: tuple[bool, Any] = (True, job())
    except BaseException as exc:  # sent to the parent, which raises it
        outcome = (False, exc)
    try:
        sender.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError):
        detail = "".join(traceback.format_exception(outcome[1])) if not outcome[0] else ""
        sender.send((False, ChildFailed(detail or "the child's result could not be pickled")))
    finally:
        sender.close()


def _receive(receiver: Connection) -> tuple[bool, Any]:
    try:
        outcome: tuple[bool, Any] = receiver.recv()
    except EOFError:
        return False, ChildFailed("the forked child died before sending its result")
    return outcome
