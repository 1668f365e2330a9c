"""`readinglist new "Title"`: a record with every field present or commented."""

from __future__ import annotations

from generator.content.files import inside, list_folder, write_atomic
from generator.content.identifiers import arxiv_problem
from generator.content.model import Paper
from generator.content.schema import PAPER_FIELDS, value_problem
from generator.content.store import Layout, load_papers
from generator.content.yamlio import dumps
from generator.errors import ContentError, ReadingListError, quote
from generator.ingest.duplicates import paper_keys, taken_ids, title_key, unique_slug

EXAMPLES = {
    "authors": "\n# - Ada Lovelace\n# - Charles Babbage",
    "year": "'2024'",
    "venue": "NeurIPS",
    "doi": "10.1145/3600006.3613165",
    "abstract": ">-\n#   The abstract, as on the paper's page.",
    "links": "\n#   code: https://github.com/owner/repo\n#   project: https://example.org/",
    "listings": "\n# - source: 000_6b32cc8f1414c3bd\n#   date: Mar 17\n#   position: 1",
    "aliases": "\n# - Another spelling of the title",
    "themes": "[llm-serving]",
    "tags": "[survey]",
    # A literal block: a folded one (`>-`) would join a list's or a table's lines.
    "notes": "|-\n#   Why this paper matters, in Markdown:\n#\n#   - its lines kept as written",
    "arxiv": "'2408.12757'",
    "former_ids": "[an-old-id]",
    "type": "inproceedings",
    "journal": "Journal of Machine Learning Research",
    "booktitle": "Proceedings of the 41st International Conference on Machine Learning",
    "volume": "'25'",
    "number": "'3'",
    "pages": "101--130",
    "publisher": "PMLR",
    "url": "https://proceedings.mlr.press/v235/",
    "arxiv_class": "cs.LG",
    "bibkey": "lovelace2024sparse",
}


def scaffold(title: str, paper_id: str) -> str:
    lines = [
        "# A paper record: one file per paper. Uncomment the fields you need.",
        "# `readinglist check` validates it; the schema is in generator/content/model.py.",
    ]
    given = dumps({"id": paper_id, "title": title}).splitlines()
    for spec in PAPER_FIELDS.values():
        lines.append(f"# {spec.name}{' (required)' if spec.required else ''} — {spec.doc}")
        if spec.name == "id":
            lines.append(given[0])
        elif spec.name == "title":
            lines += given[1:]
        else:
            example = EXAMPLES[spec.name]
            lines.append(f"# {spec.name}:{'' if example.startswith(chr(10)) else ' '}{example}")
    return "\n".join(lines) + "\n"


def new_record(layout: Layout, title: str) -> str:
    """Write `content/papers/<id>.yml` for a new title; return its path."""
    title = " ".join(title.split())
    if not title:
        raise ReadingListError("the title is empty")
    address = title.lower().startswith(("http://", "https://", "doi:", "arxiv:"))
    if address or arxiv_problem(title) is None:  # a pasted link or arXiv id
        raise ReadingListError(
            f"expected the paper's title, got {quote(title)}: run readinglist new "
            "\"The Paper's Title\" and put the address in the record's arxiv: or url: field"
        )
    problem = value_problem(Paper, "title", title)
    if problem:
        raise ReadingListError(f"the title cannot be a record's: {problem}")
    papers, _ = load_papers(layout)
    key = title_key(title)
    for paper in papers.values():
        if key in paper_keys(paper):
            written = next((t for t in (paper.title, *paper.aliases) if title_key(t) == key), "")
            spelled = f", written {quote(written)}" if written not in ("", title) else ""
            raise ReadingListError(
                f"{layout.rel(layout.paper_path(paper.id))} already has this title{spelled}"
            )
    names, problems = list_folder(layout.papers, layout.rel(layout.papers))
    if problems:
        raise ContentError(problems)
    paper_id = unique_slug(title, {name.removesuffix(".yml") for name in names} | taken_ids(papers))
    path = inside(layout.content, f"papers/{paper_id}.yml")
    write_atomic(path, scaffold(title, paper_id))
    return layout.rel(path)
