"""Run parts of the generator on the second core, in a forked child.

MkDocs builds pages one by one in one process, so a second core would otherwise sit
idle through the whole build. `start(job)` runs `job` in a child forked from this
process and returns a `Pending` for its result; `in_turn(a, b)` runs both there, one
after the other, with a `Pending` for each; `both(first, second)` runs `second` in a
child while this process runs `first`. The child reads the library it inherited
(nothing is copied up front) and sends back only its result, pickled. An `Inbox`
carries one value to a child after the fork; `Claims` share out work that either
process can do. Where fork does not exist (Windows), on one core, or for a library
so small that forking costs more than it saves, the jobs simply run here, one after
the other.
"""

from __future__ import annotations

import mmap
import multiprocessing
import os
import pickle
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

from .errors import ReadingListError

if sys.platform != "win32":  # Claims need a lock only where there is fork
    import fcntl

A = TypeVar("A")
B = TypeVar("B")

waited_s = 0.0
"""How long this process has waited for forked children's results, in seconds (the
benchmark reads it: a build's generator time is what MkDocs waits for)."""

MIN_PAPERS = 200
"""Below this many papers a fork gains less than it costs. At the built-in 354 papers
it already takes 0.1 s off a 1.4-second `readinglist build`."""


def worth_it(papers: int) -> bool:
    """Whether a library of this size gains from running two parts at once here."""
    return (
        papers >= MIN_PAPERS
        and (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
    )


class Inbox(Generic[A]):
    """One value that this process sends, after a fork, to a child forked meanwhile.

    Made before the fork. The parent `send`s when the value is ready, without waiting
    for the child to read it (a thread does the writing); a job in the child
    `receive`s it, waiting until it is there.
    """

    def __init__(self) -> None:
        self._reader, self._writer = multiprocessing.get_context("fork").Pipe(duplex=False)

    def send(self, value: A) -> None:
        self._reader.close()
        thread = threading.Thread(target=self._write, args=(value,), daemon=True)
        thread.start()

    def _write(self, value: A) -> None:
        try:
            self._writer.send(value)
        except OSError:  # the child is gone; waiting for its results says why
            pass
        finally:
            self._writer.close()

    def receive(self) -> A:
        self._writer.close()
        try:
            value: A = self._reader.recv()
        except EOFError:
            raise ChildFailed("the generator stopped before it sent the child its work") from None
        self._reader.close()
        return value


class Claims:
    """The positions `0 .. count-1` shared out, a few at a time, between this process
    and a child forked after this is made: this process claims them from the front,
    the child from the back, until the two meet. Each position goes to exactly one.

    For work that either process can do, when neither knows how soon the child will
    be free: whichever is quicker does more. Without a child (no fork), the front
    simply takes everything.
    """

    def __init__(self, count: int, step: int) -> None:
        self._memory = mmap.mmap(-1, 16)  # anonymous and shared: children see writes
        self._bounds = memoryview(self._memory).cast("q")  # [front, back)
        self._bounds[1] = count
        self._step = step
        # A lock on this file belongs to the process that takes it: the system frees
        # it if that process dies holding it (a semaphore would stay taken forever).
        # Open for as long as the claims are: closed with them.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115

    def front(self) -> Iterator[range]:
        """This process's claims, in order."""
        while True:
            with self._locked():
                start, end = self._bounds[0], self._bounds[1]
                stop = min(start + self._step, end)
                self._bounds[0] = stop
            if start >= stop:
                return
            yield range(start, stop)

    def back(self) -> Iterator[range]:
        """The child's claims, from the last position down."""
        while True:
            with self._locked():
                start, end = self._bounds[0], self._bounds[1]
                begin = max(end - self._step, start)
                self._bounds[1] = begin
            if begin >= end:
                return
            yield range(begin, end)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        if sys.platform == "win32":  # no fork, so no child to share with
            yield
            return
        fcntl.lockf(self._file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.lockf(self._file, fcntl.LOCK_UN)


class ChildFailed(ReadingListError):
    """The forked child raised an exception that could not be sent back, or died.

    Reported like the generator's other errors: a message, no traceback.
    """


def both(first: Callable[[], A], second: Callable[[], B], fork: bool) -> tuple[A, B]:
    """`(first(), second())`, with `second` in a forked child when `fork` is true.

    An exception in either is raised here, the child's as itself when it pickles.
    """
    pending = start(second, fork)
    try:
        result = first()
    except BaseException:
        pending.cancel()  # its result is no longer wanted
        raise
    return result, pending.wait()


def start(job: Callable[[], B], fork: bool) -> Pending[B]:
    """`job` under way in a forked child (with `fork`), or to be run here on `wait()`."""
    return in_turn(job, fork=fork)[0]


def in_turn(*jobs: Callable[[], Any], fork: bool) -> list[Pending[Any]]:
    """The jobs under way one after the other in one forked child (with `fork`), a
    `Pending` for each: the first result can be waited for while later jobs still run.

    A job that fails stops the child; waiting for it or a later job raises its error.
    Without `fork`, waiting for a job runs it here, after the jobs before it.
    """
    if fork:
        child = _Child(jobs)
        return [_Stage(child, index) for index in range(len(jobs))]
    stages: list[Pending[Any]] = []
    for job in jobs:
        stages.append(_Deferred(job, after=stages[-1] if stages else None))
    return stages


def then(pending: Pending[A], next_step: Callable[[A], B]) -> Pending[B]:
    """`next_step(result)`, here, once `pending` is waited for."""
    return _Then(pending, next_step)


class Pending(Generic[B]):
    """A job's result, which may be waited for any number of times."""

    def wait(self) -> B:
        """The job's result; its exception is raised here."""
        raise NotImplementedError

    def cancel(self) -> None:
        """Give up on the result: a child is stopped, a deferred job never runs."""
        raise NotImplementedError


class Done(Pending[B]):
    """A result already at hand."""

    def __init__(self, value: B) -> None:
        self.value = value

    def wait(self) -> B:
        return self.value

    def cancel(self) -> None:
        pass


class _Outcome(Pending[B]):
    """A result computed on the first `wait()` and kept, or the exception raised again."""

    _outcome: tuple[B] | BaseException | None = None

    def wait(self) -> B:
        if self._outcome is None:
            try:
                self._outcome = (self._compute(),)
            except BaseException as exc:
                self._outcome = exc
        if isinstance(self._outcome, BaseException):
            raise self._outcome
        return self._outcome[0]

    def _compute(self) -> B:
        raise NotImplementedError


class _Then(_Outcome[B]):
    def __init__(self, pending: Pending[A], next_step: Callable[[A], B]) -> None:
        self.pending = pending
        self.next_step = next_step

    def _compute(self) -> B:
        return self.next_step(self.pending.wait())

    def cancel(self) -> None:
        self.pending.cancel()


class _Deferred(_Outcome[B]):
    def __init__(self, job: Callable[[], B], after: Pending[Any] | None = None) -> None:
        self.job: Callable[[], B] | None = job
        self.after = after

    def _compute(self) -> B:
        if self.job is None:
            raise RuntimeError("waited for after cancel()")
        if self.after is not None:
            self.after.wait()
        return self.job()

    def cancel(self) -> None:
        self.job = None
        if self.after is not None:
            self.after.cancel()


class _Child:
    """A forked child running jobs one after the other, sending each result when done."""

    def __init__(self, jobs: tuple[Callable[[], Any], ...]) -> None:
        context = multiprocessing.get_context("fork")
        self.receiver, sender = context.Pipe(duplex=False)
        self.child = context.Process(target=_run_each, args=(jobs, sender), daemon=True)
        self.child.start()
        sender.close()
        self.total = len(jobs)
        self.outcomes: list[tuple[bool, Any]] = []

    def result(self, index: int) -> Any:
        # Results arrive in order. Read before joining: a large one fills the pipe
        # until it is read.
        global waited_s
        while len(self.outcomes) <= index:
            start = time.perf_counter()
            ok, value = _receive(self.receiver)
            waited_s += time.perf_counter() - start
            # A failed job is the last one the child ran: later ones share its error.
            copies = 1 if ok else self.total - len(self.outcomes)
            self.outcomes += [(ok, value)] * copies
            if len(self.outcomes) == self.total:
                self.receiver.close()
                self.child.join()
        ok, value = self.outcomes[index]
        if not ok:
            raise value
        return value

    def cancel(self) -> None:
        if len(self.outcomes) < self.total:
            self.child.terminate()
            self.receiver.close()
            self.child.join()
            cancelled = (False, RuntimeError("waited for after cancel()"))
            self.outcomes += [cancelled] * (self.total - len(self.outcomes))


class _Stage(Pending[B]):
    def __init__(self, child: _Child, index: int) -> None:
        self.child = child
        self.index = index

    def wait(self) -> B:
        return self.child.result(self.index)

    def cancel(self) -> None:
        self.child.cancel()


def _run_each(jobs: tuple[Callable[[], Any], ...], sender: Connection) -> None:
    try:
        for job in jobs:
            if not _run_and_send(job, sender):
                break
    finally:
        sender.close()


def _run_and_send(job: Callable[[], Any], sender: Connection) -> bool:
    """Run `job` and send its outcome; False when it failed."""
    try:
        outcome: tuple[bool, Any] = (True, job())
    except BaseException as exc:  # sent to the parent, which raises it
        outcome = (False, exc)
    try:
        sender.send(outcome)
    except (pickle.PicklingError, TypeError, AttributeError):
        detail = "".join(traceback.format_exception(outcome[1])) if not outcome[0] else ""
        sender.send((False, ChildFailed(detail or "the child's result could not be pickled")))
        return False
    return outcome[0]


def _receive(receiver: Connection) -> tuple[bool, Any]:
    try:
        outcome: tuple[bool, Any] = receiver.recv()
    except EOFError:
        return False, ChildFailed(
            "the generator's second process (forked to use another core) died before it"
            " finished: was it killed, or out of memory?"
        )
    return outcome
