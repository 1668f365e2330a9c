"""The `readinglist` command line: the group, its logging, and the commands of
`generator.commands`, which turn every error into a message and an exit code."""

from __future__ import annotations

import logging
import os
import sys

import click

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

from generator.commands import content, site


class _Formatter(logging.Formatter):
    """`Serving on …` as it is; `WARNING: …` and `ERROR: …` with their level."""

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text if record.levelno == logging.INFO else f"{record.levelname}: {text}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="readinglist", message="%(prog)s %(version)s")
@click.option("-v", "--verbose", is_flag=True, help="Show debug messages.")
def main(verbose: bool) -> None:
    """Turn raw paper listings into a searchable reading-list website.

    Run the commands in the project's folder (the one with mkdocs.yml and content/)
    or in any folder inside it.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter())
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, handlers=[handler], force=True
    )
    logging.getLogger("mkdocs").setLevel(logging.INFO if verbose else logging.WARNING)


def _verbose(context: click.Context, parameter: click.Parameter, value: bool) -> None:
    if value:
        logging.getLogger().setLevel(logging.DEBUG)
        logging.getLogger("mkdocs").setLevel(logging.INFO)


# `-v` works after the command's name too (`readinglist check -v`), as people type it.
for _command in [*content.COMMANDS, *site.COMMANDS]:
    main.add_command(_command)
    _command.params.append(
        click.Option(
            ["-v", "--verbose"],
            is_flag=True,
            expose_value=False,
            callback=_verbose,
            help="Show debug messages.",
        )
    )


def run() -> None:
    """The `readinglist` program."""
    main(prog_name="readinglist")
