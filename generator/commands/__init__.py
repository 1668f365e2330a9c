"""What every command shares: finding the project, reporting errors, the project lock,
the common options. The commands themselves are in `content` and `site`."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from generator.content.store import Layout
from generator.errors import ContentError, ReadingListError


def project() -> Layout:
    """The project this command works on: the nearest folder, from here upwards, that
    holds `mkdocs.yml` and `content/` (as git finds its repository), or here, for a
    project that has no `content/` yet."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / "mkdocs.yml").is_file() and os.path.lexists(folder / "content"):
            return Layout(folder)
    if (here / "mkdocs.yml").is_file():
        return Layout(here)
    raise ReadingListError(
        f"no reading list here: neither {here} nor a folder above it holds mkdocs.yml and "
        "content/; run this in the project's folder"
    )


def reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Print our errors as `path:line: message` and exit 1, never with a traceback."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except ContentError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            raise click.ClickException(str(exc)) from None
        except ReadingListError as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:  # a full disk, a read-only folder: nothing was half-written
            raise click.ClickException(os_problem(exc)) from None

    return wrapper


def os_problem(exc: OSError) -> str:
    """`cannot write content/papers/x.yml: No space left on device`, relative to here."""
    name = exc.filename2 or exc.filename
    what = exc.strerror or str(exc)
    if not name:
        return what
    path = Path(os.fsdecode(name))
    try:
        shown = project().rel(path) if path.is_absolute() else path.as_posix()
    except ReadingListError:
        shown = str(path)
    return f"{shown}: {what}"


def locked(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command that writes to the project while holding `build/.lock`."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from generator.content.files import project_lock

        with project_lock(project().root / "build", command.__name__):
            return command(*args, **kwargs)

    return wrapper


def format_option(other: str, help: str) -> Callable[[Any], Any]:
    """`--format text|<other>`, text by default, passed as `output_format`."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(["text", other]),
        default="text",
        show_default=True,
        help=help,
    )


def folder_option(flag: str, default: str, help: str) -> Callable[[Any], Any]:
    """An option naming an output folder, relative to the project root."""
    return click.option(
        flag,
        type=click.Path(file_okay=False, path_type=Path),
        default=Path(default),
        show_default=True,
        help=help,
    )
