"""`python -m generator` runs the `readinglist` command line."""

from .cli import main

main(prog_name="readinglist")
