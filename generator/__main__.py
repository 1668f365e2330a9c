"""`python -m generator` runs the `readinglist` command line."""

from generator.cli import run

run()
