"""`python -m generator` runs the `readinglist` command line."""

from .cli import run

run()
