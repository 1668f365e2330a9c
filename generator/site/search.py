"""The site's search index, built from the records, in shards that a query loads on demand.

The hosted site and the offline bundle share one search
(`overrides/assets/javascripts/search.js`). Every file here is a script that hands its
data to `__rlSearch.add`: a page opened from disk (`file://`) may load scripts, but it
may not fetch files. Nothing loads before someone types. A query then loads the
manifest, the shard of terms for each word, and the chunks of documents that hold its
first results.

A term is a run of letters and digits, lower-cased with its accents folded. A
hyphenated word also gives its joined form (`S-LoRA` gives `s`, `lora` and `slora`).
`search.js` splits a query in the same way. Each posting is a document and a weight:
BM25 over the title (which counts three times), the tags (twice), the authors, the
abstract, the other titles and the notes, times two, plus one when the term is in the
title. Terms in more than half
of the documents are left out, and the manifest names them so that queries skip them
too. A shard holds every term that starts with its key. It is one character long, or
longer where one would make a shard too big to fetch quickly: a small site has a few
dozen shards, not hundreds of files to write and copy.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import partial

from generator.analysis import Linked
from generator.analysis.tags import tag_groups
from generator.analysis.themes import unsorted
from generator.content.recall import NOTHING_KEPT, Recall
from generator.site.citation import short_credit
from generator.site.markup import script_call
from generator.site.paths import (
    CONTRIBUTE,
    PAPERS,
    TAGS,
    THEMES,
    UNSORTED,
    page_url,
    paper_page,
    tag_page,
    theme_page,
)

FOLDER = "search-index"
CHUNK = 8
"""Documents per chunk: a query loads the chunks of its first twenty results."""
SHARD_BYTES = 150_000
"""A shard bigger than this is split by one more character of its key."""
MAX_KEY = 4
MAX_POSTINGS = 5_000
"""A term keeps its best postings: at 100,000 papers a common word would fill a shard."""
COMMON = 0.5
TITLE_TIMES = 3
K1, B = 1.2, 0.75
_RUN = re.compile(r"[a-z0-9]+")
_MARKS = re.compile("[\u0300-\u036f]")
"""The combining accents that NFKD splits off (search.js removes the same range)."""


def terms(text: str) -> list[str]:
    """The terms of `text`, in order, as `search.js` finds them in a query."""
    if text.isascii():  # nothing to fold, and a word of letters and digits is one term
        folded, plain = text.lower(), True
    else:
        folded, plain = _MARKS.sub("", unicodedata.normalize("NFKD", text).lower()), False
    found: list[str] = []
    for word in folded.split():
        if plain and word.isalnum():
            found.append(word)
            continue
        parts = _RUN.findall(word)
        found += parts
        if 1 < len(parts) <= 3:
            found.append("".join(parts))
    return found


@dataclass(frozen=True)
class Document:
    title: str
    path: str
    """The page, docs-relative (`paper/x.md`)."""
    themes: str
    text: str
    """The abstract, or what the page says of itself: the snippet is taken from it."""
    tags: str = ""
    authors: str = ""
    ids: str = ""
    """The paper's arXiv id and DOI: a query that is one of them puts the paper first."""
    more: str = ""
    """What else its page says that a reader may look for: other titles, the notes."""


def documents(linked: Linked) -> list[Document]:
    """Every page a reader may look for: the site's own pages first, then the papers."""
    docs = [
        Document("Themes", THEMES, "", "Every theme, with its papers and how themes overlap."),
        Document("All papers", PAPERS, "", "Every paper in one table: filter and sort."),
        Document("Contribute", CONTRIBUTE, "", "How to add a paper or correct an entry."),
    ]
    if unsorted(linked):
        docs.append(Document("Unsorted", UNSORTED, "", "Papers that no theme's rules match."))
    docs += [Document(t.title, theme_page(t.id), "Theme", t.description) for t in linked.themes]
    tags = tag_groups(linked.papers.values())
    if tags:
        docs.append(Document("Tags", TAGS, "", "Every tag, with its number of papers."))
    docs += [Document(f"Tag: {tag}", tag_page(tag), "Tag", "") for tag in tags]
    titles = {t.id: t.title for t in linked.themes}
    for paper in linked.papers.values():
        credit = [short_credit(paper)] if paper.authors or paper.year else []
        themes = " · ".join(credit + [titles[t] for t in linked.membership.get(paper.id, [])])
        labels, authors = " ".join(paper.tags), " ".join(paper.authors)
        ids = " ".join(i for i in (paper.arxiv, paper.doi) if i).lower()
        page, more = paper_page(paper.id), " ".join([*paper.aliases, paper.notes])
        docs.append(Document(paper.title, page, themes, paper.abstract, labels, authors, ids, more))
    return docs


def search_files(
    linked: Linked, directory_urls: bool, recall: Recall = NOTHING_KEPT
) -> dict[str, str]:
    """The index's files, by docs-relative path."""
    docs = documents(linked)
    postings, common = _postings(docs, recall)
    shards = _shards(postings)
    files: dict[str, str] = {}
    for start in range(0, len(docs), CHUNK):
        chunk = docs[start : start + CHUNK]
        files[f"{FOLDER}/d/{start // CHUNK}.js"] = recall(
            ("chunk", start, directory_urls, *chunk), partial(_chunk, start, directory_urls, chunk)
        )
    for key, shard in shards.items():
        files[f"{FOLDER}/t/{key}.js"] = script_call("__rlSearch.add", f"t/{key}", shard)
    manifest = {"docs": len(docs), "chunk": CHUNK, "shards": sorted(shards), "common": common}
    files[f"{FOLDER}/manifest.js"] = script_call("__rlSearch.add", "manifest", manifest)
    return files


def _chunk(start: int, directory_urls: bool, docs: list[Document]) -> str:
    """The documents from `start` on, as a query shows them."""
    shown = [[d.title, page_url(d.path, directory_urls), d.themes, d.text, d.ids] for d in docs]
    return script_call("__rlSearch.add", f"d/{start // CHUNK}", shown)


def _postings(
    docs: list[Document], recall: Recall = NOTHING_KEPT
) -> tuple[dict[str, list[int]], list[str]]:
    """Term -> [document, weight, document, weight, ...] in document order; common terms."""
    counted = [recall(("terms", doc), partial(_counted, doc, recall)) for doc in docs]
    lengths = [sum(tfs) for _, tfs, _ in counted]
    average = sum(lengths) / len(docs) if docs else 1.0
    frequency = Counter(term for found, _, _ in counted for term in found)
    common = sorted(t for t, df in frequency.items() if len(docs) >= 20 and df > COMMON * len(docs))
    skip = set(common)
    idf = {t: math.log(1 + (len(docs) - df + 0.5) / (df + 0.5)) for t, df in frequency.items()}
    postings: dict[str, list[int]] = {}
    for doc_id, (found, tfs, in_title) in enumerate(counted):
        norm = K1 * (1 - B + B * lengths[doc_id] / average)
        for term, tf in zip(found, tfs, strict=True):
            if term not in skip:
                score = max(1, round(10 * idf[term] * tf * (K1 + 1) / (tf + norm)))
                posting = postings.setdefault(term, [])
                posting += (doc_id, score * 2 + (term in in_title))
    for term, posting in postings.items():
        if len(posting) > 2 * MAX_POSTINGS:
            pairs = sorted(zip(posting[::2], posting[1::2], strict=True), key=lambda p: -p[1])
            postings[term] = [n for pair in sorted(pairs[:MAX_POSTINGS]) for n in pair]
    return postings, common


def _counted(
    doc: Document, recall: Recall
) -> tuple[tuple[str, ...], tuple[int, ...], frozenset[str]]:
    """The document's terms, how often each occurs (weighted by field), and its title's
    terms; as tuples (`Recall.words`), which a preview keeps."""
    title = terms(doc.title)
    count = Counter(title * TITLE_TIMES + terms(doc.tags) * 2 + terms(doc.text))
    count.update(terms(doc.authors) + terms(doc.ids) * TITLE_TIMES + terms(doc.more))
    return recall.words(count), tuple(count.values()), frozenset(recall.words(title))


def _shards(postings: dict[str, list[int]]) -> dict[str, dict[str, list[int]]]:
    """Key -> the terms it holds: those that start with the key and with no longer key."""
    shards: dict[str, dict[str, list[int]]] = {}
    pending = [(1, dict(sorted(postings.items())))]
    while pending:
        length, group = pending.pop()
        keyed: dict[str, dict[str, list[int]]] = {}
        for term, posting in group.items():
            keyed.setdefault(term[:length], {})[term] = posting
        for key, held in keyed.items():
            size = sum(len(t) + 4 * len(p) for t, p in held.items())
            if size <= SHARD_BYTES or length >= MAX_KEY:
                shards.setdefault(key, {}).update(held)
                continue
            # Terms no longer than the key stay in it; the rest go one character deeper.
            shards.setdefault(key, {}).update((t, p) for t, p in held.items() if len(t) <= length)
            pending.append((length + 1, {t: p for t, p in held.items() if len(t) > length}))
    return {key: dict(sorted(held.items())) for key, held in sorted(shards.items())}
