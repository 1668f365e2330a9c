"""Keep the live preview's search index free of stale entries."""

from __future__ import annotations

import json
from pathlib import Path

from .files import write_atomic


def drop_stale_entries(index_file: Path) -> int:
    """Keep only the last run of entries for each page; return how many were dropped.

    Material appends a rebuilt page's entries after the ones it kept, so for a page
    listed more than once, the last run of entries is the current one.
    """
    if not index_file.exists():
        return 0
    index = json.loads(index_file.read_text(encoding="utf-8"))
    docs = index.get("docs", [])
    runs: list[tuple[str, list[dict]]] = []
    for doc in docs:
        page = doc.get("location", "").split("#", 1)[0]
        if runs and runs[-1][0] == page:
            runs[-1][1].append(doc)
        else:
            runs.append((page, [doc]))
    last = {page: i for i, (page, _) in enumerate(runs)}
    kept = [doc for i, (page, run) in enumerate(runs) if last[page] == i for doc in run]
    if len(kept) == len(docs):
        return 0
    index["docs"] = kept
    write_atomic(index_file, json.dumps(index, ensure_ascii=False, separators=(",", ":")))
    return len(docs) - len(kept)
