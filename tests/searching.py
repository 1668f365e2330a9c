"""The search quality set, typed into a built site's search box in Chromium.

Shared by tests/test_search.py, which checks every case, and bench/run.py, which
reports precision at 1 and at 10 (for Material's own search too, the figure before).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import yaml

CASES: list[dict[str, str]] = yaml.safe_load(
    (Path(__file__).with_name("search_queries.yml")).read_text(encoding="utf-8")
)


def page_path(url: str, base: str) -> str:
    """`http://host/site/paper/x/` or `.../paper/x.html#y` -> `paper/x`."""
    path = re.split(r"[?#]", url, maxsplit=1)[0].removeprefix(base)
    path = path.removesuffix(".html").removesuffix("/")
    return "" if path in {"index", "."} else path


def results(page: Any, base: str, query: str, timeout: float = 10.0) -> list[tuple[str, str]]:
    """(page path, result text) of every result for `query`, best first.

    Our search marks the list with the query it answered. Material's has no such mark,
    so its list counts as settled when it has not changed for half a second.
    """
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(query)
    box.press("End")  # a key as well: Material's search reads the box on keyup
    items = "li.md-search-result__item"
    if page.locator("[data-rl-query]").count() or page.evaluate("!!window.__rlSearch"):
        page.wait_for_function(
            "q => { const l = document.querySelector('[data-rl-query]');"
            " return l && l.dataset.rlQuery === q; }",
            arg=query,
            timeout=timeout * 1000,
        )
    else:
        last, since, start = None, time.monotonic(), time.monotonic()
        while time.monotonic() - start < timeout:
            now = page.locator(items).all_inner_texts()
            if now != last:
                last, since = now, time.monotonic()
            elif now and time.monotonic() - since > 0.5:
                break
            time.sleep(0.1)
    shown = page.eval_on_selector_all(
        items,
        "items => items.map(i => [i.querySelector('a.md-search-result__link').href, i.innerText])",
    )
    found: list[tuple[str, str]] = []
    for href, text in shown:
        path = page_path(href, base)
        if path not in (p for p, _ in found):
            found.append((path, text))
    return found


def relevant(case: dict[str, str], path: str, text: str, papers: dict[str, dict]) -> bool:
    """Does a result answer the case? `papers`: papers.json's entries by page path."""
    if "first" in case:
        return path == case["first"]
    paper = papers.get(path)
    # Another page (a theme's) is judged by what its result shows: title and description.
    haystack = f"{paper['title']} {paper['abstract']}" if paper else text
    return re.search(case["about"], haystack, re.IGNORECASE) is not None


def papers_by_path(site: Path) -> dict[str, dict]:
    entries = json.loads((site / "papers.json").read_text(encoding="utf-8"))
    return {page_path(e["url"], ""): e for e in entries}


def precision(page: Any, base: str, site: Path) -> dict[str, Any]:
    """Precision at 1 over every case, at 10 over the topic cases, and the misses."""
    papers = papers_by_path(site)
    at_1, at_10, misses, unmarked = [], [], [], []
    for case in CASES:
        hits = results(page, base, case["query"])[:10]
        # Every result shows a snippet, not the whole abstract, and the first one marks
        # what matched.
        first = page.locator("li.md-search-result__item").first
        snippets = page.locator("li.md-search-result__item p:last-child").all_inner_texts()
        if not first.locator("mark").count() or any(len(s) > 300 for s in snippets):
            unmarked.append(case["query"])
        marks = [relevant(case, path, text, papers) for path, text in hits]
        at_1.append(bool(marks) and marks[0])
        if "about" in case:
            at_10.append(sum(marks) / 10)
        if not (marks and marks[0]):
            misses.append(f"{case['query']!r}: {[p for p, _ in hits[:3]]}")
    return {
        "cases": len(CASES),
        "precision_at_1": round(sum(at_1) / len(at_1), 3),
        "precision_at_10": round(sum(at_10) / len(at_10), 3),
        "misses": misses,
        "unmarked": unmarked,
    }


def index_script(text: str) -> tuple[str, Any]:
    """`__rlSearch.add("name",data);` -> (name, data)."""
    name, data = script_args(text, "__rlSearch.add")
    return name, data


def script_args(text: str, function: str) -> list[Any]:
    """`function(a,b);` (a script the generator writes, `markup.script_call`) -> [a, b]."""
    assert text.startswith(function + "(") and text.endswith(");\n"), text[:80]
    return list(json.loads("[" + text[len(function) + 1 : -3] + "]"))


def table_rows(site: Path) -> tuple[dict[str, Any], list[list[Any]]]:
    """The All papers table of a built site: part 0's head, and every row."""
    folder = site / "all-papers"
    parts = [script_args(p.read_text(encoding="utf-8"), "__rlTable") for p in folder.glob("*.js")]
    parts.sort(key=lambda part: part[0])
    assert [n for n, _ in parts] == list(range(len(parts)))
    return parts[0][1], [row for _, part in parts for row in part["rows"]]


def index_documents(site: Path) -> list[list[str]]:
    """Every document in a built site's search index: [title, url, themes, text]."""
    folder = site / "search-index"
    _, manifest = index_script((folder / "manifest.js").read_text(encoding="utf-8"))
    docs: list[list[str]] = []
    for chunk in range(-(-manifest["docs"] // manifest["chunk"])):
        docs += index_script((folder / "d" / f"{chunk}.js").read_text(encoding="utf-8"))[1]
    assert len(docs) == manifest["docs"]
    return docs
