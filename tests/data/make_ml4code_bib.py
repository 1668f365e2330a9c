"""Writes tests/data/ml4code.bib: a real reading list from outside the built-in field.

    git clone https://github.com/ml4code/ml4code.github.io /tmp/ml4code
    python tests/data/make_ml4code_bib.py /tmp/ml4code

The source is the `_publications/` folder of "Machine Learning for Big Code and
Naturalness" (https://ml4code.github.io, Allamanis et al.), a living survey curated
through pull requests, at commit 44e20ba023fc5d95ebdd0c067f3a61045947eebd
(2025-02-07). The repository states no licence: the titles, authors and abstracts are
the papers' own, and the copy here is test data for `readinglist themes --suggest`,
not republished. Each Markdown file's front matter and abstract becomes one `@misc`
entry with its title, authors, year and abstract; braces, backslashes and per cent
signs in abstracts are spelled so that BibTeX and LaTeX read them as text.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

COMMIT = "44e20ba023fc5d95ebdd0c067f3a61045947eebd"
OUT = Path(__file__).with_name("ml4code.bib")


def _latex_text(text: str) -> str:
    """Text that BibTeX keeps whole and LaTeX decoding gives back as written."""
    text = " ".join(text.split())
    text = text.replace("\\", " ").replace("{", "(").replace("}", ")")
    return re.sub(r"([%&#$_])", r"\\\1", text)


def entry(path: Path) -> str | None:
    """One `@misc` entry for a publication's Markdown file, or None if it has no title."""
    _, front, body = path.read_text(encoding="utf-8").split("---", 2)
    meta = yaml.safe_load(front) or {}
    title = str(meta.get("title") or "").strip()
    if not title:
        return None
    authors = " and ".join(a.strip() for a in str(meta.get("authors") or "").split(",") if a)
    fields = {
        "title": _latex_text(title),
        "author": _latex_text(authors),
        "year": str(meta.get("year") or ""),
        "abstract": _latex_text(body),
    }
    lines = [f"  {name} = {{{value}}}," for name, value in fields.items() if value]
    return f"@misc{{{path.stem},\n" + "\n".join(lines) + "\n}\n"


def main(checkout: Path) -> None:
    entries = [entry(p) for p in sorted((checkout / "_publications").glob("*.markdown"))]
    header = (
        "% ml4code.github.io _publications/ at commit "
        f"{COMMIT}, converted by make_ml4code_bib.py.\n"
        "% Source: https://github.com/ml4code/ml4code.github.io (no licence stated); "
        "test data only.\n\n"
    )
    OUT.write_text(header + "\n".join(e for e in entries if e), encoding="utf-8")
    print(f"wrote {sum(1 for e in entries if e)} entries to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
