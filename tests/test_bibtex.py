"""`readinglist ingest refs.bib`: BibTeX in, merged by title, curated fields kept."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.content.store import Layout, load_papers
from generator.errors import SourceError

from .conftest import make_project, read_bib, run_cli

CORPUS = Path(__file__).parent / "data" / "refs.bib"
NANOFLOW = "nanoflow-towards-optimal-large-language-model-serving-throughput"


def test_the_corpus_imports_with_a_warning_per_broken_entry(project: Path) -> None:
    before, _ = load_papers(Layout(project))
    result = run_cli(project, "ingest", str(CORPUS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(
        "1 file(s), 352 listing(s): 32 new paper(s), 320 listing(s) merged into existing "
        "papers, 0 already known, 6 warning(s)"
    )
    warnings = [line.split(": warning: ", 1) for line in result.stderr.splitlines()]
    assert {(where.rsplit(":", 1)[1], what.split(":")[0]) for where, what in warnings} == {
        ("3326", "Duplicate entry key 'smith20160'; the first entry with this key was kept"),
        ("3330", "skipped '@article{broken-braces,'"),
        ("3335", "skipped @article{no-title}"),
        ("3340", "skipped @patent{unknown-type}"),
        ("3345", "entry 'bad-year'"),
        ("3350", "entry 'bad-arxiv'"),
    }
    after, problems = load_papers(Layout(project))
    assert not [p for p in problems if p.is_error]
    assert len(after) == len(before) + 32
    nanoflow = after[NANOFLOW]
    # Empty fields were filled; the curated title and abstract stayed as they were.
    assert nanoflow.authors and nanoflow.year and nanoflow.venue and nanoflow.doi
    assert (nanoflow.title, nanoflow.abstract) == (
        before[NANOFLOW].title,
        before[NANOFLOW].abstract,
    )
    (listing,) = [x for x in nanoflow.listings if x.source == "refs"]
    assert listing.key and listing.position > 0
    # Names and titles come out of LaTeX: accents decoded, braces and `others` gone.
    names = {name for paper in after.values() for name in paper.authors}
    assert "José Müller" in names and not any("{" in n or "\\" in n for n in names)
    assert "others" not in names
    new = [p for p in after.values() if p.id not in before]
    assert any(p.title.startswith("A New Method Number 0 for BERT-Style") for p in new)
    # The copy in content/sources/ accounts for every listing: check is clean.
    assert (project / "content" / "sources" / "refs.bib").exists()
    checked = run_cli(project, "check")
    assert checked.returncode == 0 and "0 error(s)" in checked.stdout + checked.stderr


def test_bibtex_never_overwrites_a_curated_value(project: Path) -> None:
    path = project / "content" / "papers" / f"{NANOFLOW}.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("abstract:", "year: '1999'\nauthors: [Ada Curated]\nabstract:", 1), "utf-8"
    )
    assert run_cli(project, "ingest", str(CORPUS)).returncode == 0
    papers, _ = load_papers(Layout(project))
    assert (papers[NANOFLOW].year, papers[NANOFLOW].authors) == ("1999", ["Ada Curated"])


def test_a_field_written_null_is_empty_and_filled(project: Path) -> None:
    """`venue: null` and `doi: ~` are how YAML, and the tools that write it, say "no
    value". The record was refused ("expected a DOI … got 'null'"), or its page showed
    the venue "null"; now they are empty fields, which ingest fills where they stand."""
    path = project / "content" / "papers" / f"{NANOFLOW}.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("abstract:", "venue: null  # to do\ndoi: ~\nabstract:", 1), "utf-8"
    )
    assert run_cli(project, "check").returncode == 0
    assert run_cli(project, "ingest", str(CORPUS)).returncode == 0
    papers, _ = load_papers(Layout(project))
    assert (papers[NANOFLOW].venue, papers[NANOFLOW].doi) == ("ICML", "10.5555/3700215")
    after = path.read_text(encoding="utf-8")
    assert "venue: ICML  # to do\ndoi: 10.5555/3700215\nabstract:" in after  # where they were
    assert after.count("venue:") == after.count("doi:") == 1


def test_bibtex_in_a_listing_file_is_refused_and_nothing_is_written(project: Path) -> None:
    disguised = project / "refs.txt"
    shutil.copy(CORPUS, disguised)
    before = sorted((project / "content").rglob("*"))
    result = run_cli(project, "ingest", str(disguised))
    assert result.returncode == 1
    assert (
        "refs.txt:3: this is BibTeX, not a raw listing; give the file a .bib name" in result.stderr
    )
    assert "Traceback" not in result.stderr
    other = project / "refs.csv"
    other.write_text("[]", encoding="utf-8")
    result = run_cli(project, "ingest", str(other))
    assert result.returncode == 1
    assert (
        "refs.csv: expected a raw listing (.txt), a BibTeX file (.bib) or daily papers (.json)"
        in result.stderr
    )
    # A JSON file that is not the daily papers fetch keeps: one clear line too.
    (project / "refs.json").write_text("[]", encoding="utf-8")
    result = run_cli(project, "ingest", str(project / "refs.json"))
    assert result.returncode == 1
    assert "refs.json: not a daily papers file: expected 'date' and 'papers'" in result.stderr
    # CSL-JSON, which Zotero exports and every built site offers, is named as what it is.
    csl = [{"id": "a", "type": "article-journal", "title": "A Title"}]
    (project / "refs.json").write_text(json.dumps(csl), encoding="utf-8")
    result = run_cli(project, "ingest", str(project / "refs.json"))
    assert result.returncode == 1
    assert (
        "refs.json: this is CSL-JSON, which ingest does not read: export the collection as "
        "BibTeX and ingest the .bib file"
    ) in result.stderr
    assert sorted((project / "content").rglob("*")) == before


def test_papers_bib_ingested_into_an_empty_project_gives_the_same_records(
    tmp_path: Path,
) -> None:
    source = make_project(tmp_path / "source")
    assert run_cli(source, "ingest", str(CORPUS)).returncode == 0
    assert run_cli(source, "generate").returncode == 0
    exported = source / "build" / "docs" / "export" / "papers.bib"
    # A reference manager reads the export back with the same authors and years.
    papers, _ = load_papers(Layout(source))
    assert run_cli(source, "build").returncode == 0
    keys = {e["key"]: e["id"] for e in json.loads((source / "site" / "papers.json").read_text())}
    for entry in read_bib(exported.read_text(encoding="utf-8")):
        paper = papers[keys[entry["ID"]]]
        assert entry.get("year", "") == paper.year
        assert entry.get("author", "") == " and ".join(paper.authors)
    empty = make_project(tmp_path / "empty", with_papers=False)
    shutil.rmtree(empty / "content" / "sources")
    (empty / "content" / "sources").mkdir()
    copy = empty / "papers.bib"
    shutil.copy(exported, copy)
    result = run_cli(empty, "ingest", str(copy))
    assert result.returncode == 0, result.stderr
    again, _ = load_papers(Layout(empty))
    fields = ("title", "authors", "year", "venue", "doi", "arxiv", "abstract")
    assert set(again) == set(papers)
    for paper_id, paper in papers.items():
        assert [getattr(again[paper_id], f) for f in fields] == [getattr(paper, f) for f in fields]


def test_latex_is_decoded_and_a_bare_percent_kept(tmp_path: Path) -> None:
    from generator.ingest.bibtex import parse_bibtex

    path = tmp_path / "x.bib"
    path.write_text(
        r"@misc{k, title={{GPT}-4 at 50% -- and \% more}, author={G{\"o}del, Kurt},"
        r" abstract={Saves 59% of memory $O(n)$.}}"
        "\n",
        encoding="utf-8",
    )
    (entry,) = parse_bibtex(path).entries
    assert entry.title == "GPT-4 at 50% – and % more"
    assert entry.authors == ["Kurt Gödel"]
    assert entry.abstract == "Saves 59% of memory $O(n)$."


def test_strings_and_joins_read_as_bibtex_reads_them(tmp_path: Path) -> None:
    """A venue joined with `#` from a `@string` was kept as `"Advances in " # nips`."""
    from generator.ingest.bibtex import parse_bibtex

    path = tmp_path / "x.bib"
    path.write_text(
        '@string{nips = "Neural Information Processing Systems"}\n'
        '@STRING{procnips = "Advances in " # NIPS}\n'
        '@inproceedings{a, title = {Sparse} # { Attention for } # "Long Contexts",\n'
        "  booktitle = procnips, year = 2024, month = jan}\n"
        "@inproceedings{b, title = {C# at {Scale}}, booktitle = nips # { 37}}\n"
        "@inproceedings{c, title = {Unknown Venue}, booktitle = icml # { 2024}}\n",
        encoding="utf-8",
    )
    a, b, c = parse_bibtex(path).entries
    assert (a.title, a.venue, a.year) == (
        "Sparse Attention for Long Contexts",
        "Advances in Neural Information Processing Systems",
        "2024",
    )
    assert (b.title, b.venue) == ("C# at Scale", "Neural Information Processing Systems 37")
    assert c.venue == "icml # 2024"  # a name the file does not define: as written


def test_a_volume_entries_cross_reference_is_no_paper_and_fills_theirs(tmp_path: Path) -> None:
    """DBLP's export "with crossref" ends with the conference's @proceedings, which
    `ingest` made a paper called "International Conference on Machine Learning, ICML
    2022". It is the volume its entries name: they take what they leave out from it."""
    from generator.ingest.bibtex import parse_bibtex

    path = tmp_path / "dblp.bib"
    path.write_text(
        "@inproceedings{DBLP:conf/icml/A22, title = {Widget Attention}, pages = {1--9},\n"
        "  crossref = {DBLP:conf/icml/2022}}\n"
        "@inproceedings{DBLP:conf/icml/B22, title = {Gadget Search}, year = 2021,\n"
        "  booktitle = {ICML Workshops}, crossref = {dblp:conf/ICML/2022}}\n"
        "@proceedings{DBLP:conf/icml/2022, title = {International Conference on Machine\n"
        "  Learning, {ICML} 2022}, publisher = {{PMLR}}, volume = {162}, year = {2022}}\n",
        encoding="utf-8",
    )
    a, b = parse_bibtex(path).entries
    assert (a.title, a.booktitle, a.venue, a.year, a.publisher, a.volume, a.position) == (
        "Widget Attention",
        "International Conference on Machine Learning, ICML 2022",
        "International Conference on Machine Learning, ICML 2022",
        "2022",
        "PMLR",
        "162",
        1,
    )
    assert (b.title, b.booktitle, b.year, b.publisher, b.position) == (
        "Gadget Search",
        "ICML Workshops",  # what an entry gives stays
        "2021",
        "PMLR",
        2,
    )


def test_arxiv_as_a_journal_gives_the_id_and_not_the_venue(tmp_path: Path) -> None:
    """Semantic Scholar exports a preprint as `journal = {ArXiv}, volume = {abs/…}` with
    no eprint, and DBLP names arXiv `CoRR`. The id was lost, so the record had no arXiv
    link and did not meet the same paper fetched from the Hub; and "ArXiv" hid the
    booktitle that names the real venue."""
    from generator.ingest.bibtex import parse_bibtex

    path = tmp_path / "s2.bib"
    path.write_text(
        "@Article{Dao2022FlashAttentionFA,\n"
        " booktitle = {Neural Information Processing Systems},\n"
        " journal = {ArXiv}, title = {Flash Widgets}, volume = {abs/2205.14135},\n"
        " year = {2022}}\n"
        "@article{DBLP:journals/corr/abs-2210-17323, title = {Gadget Quantization},\n"
        " journal = {CoRR}, volume = {abs/2210.17323}, year = {2022}}\n"
        "@article{c, title = {Old Style}, journal = {arXiv}, volume = {abs/cs/0112017}}\n"
        "@article{d, title = {A Journal}, journal = {JMLR}, volume = {abs/2210.17323}}\n",
        encoding="utf-8",
    )
    a, b, c, d = parse_bibtex(path).entries
    assert (a.arxiv, a.venue, a.journal, a.volume) == (
        "2205.14135",
        "Neural Information Processing Systems",
        "ArXiv",  # the citation fields stay as the export gives them
        "abs/2205.14135",
    )
    assert (b.arxiv, b.venue) == ("2210.17323", "")
    assert (c.arxiv, c.venue) == ("cs/0112017", "")
    assert (d.arxiv, d.venue) == ("", "JMLR")  # a volume so named elsewhere is no id


def test_an_entry_ingest_skips_does_not_fail_check(tmp_path: Path) -> None:
    """An entry whose title is over the records' limit was skipped by ingest, and
    `check` then called it "in no record; run 'readinglist ingest'", which skips it
    again: a circle, and a pull request that cannot pass."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project")
    bib = tmp_path / "long.bib"
    bib.write_text(
        "@article{long, title={" + "Long " * 300 + "}, year={2020}}\n"
        "@article{fine, title={A Fine Title}, year={2021}}\n",
        encoding="utf-8",
    )
    assert run_cli(root, "ingest", str(bib)).returncode == 0
    checked = run_cli(root, "check")
    assert checked.returncode == 0, checked.stdout
    assert (
        "content/sources/long.bib:1: warning: listing 'Long Long" in checked.stdout
        and "is skipped: field 'title': 1,499 characters; the limit is 1,000" in checked.stdout
    )


def test_a_zotero_export_with_files_warns_that_their_paths_go_public(tmp_path: Path) -> None:
    """Zotero's export with "Export Files" names where each PDF is kept: the user's name
    and folders, copied into the public `content/sources/`, and said nowhere. One
    warning now says so, at the first such field, from `ingest` and from `check`."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project")
    bib = tmp_path / "zotero.bib"
    bib.write_text(
        "@article{a, title={A Fine Title}, year={2021},\n"
        "  file = {Full Text PDF:/Users/jane/Zotero/storage/AB12/a.pdf:application/pdf}}\n"
        "@article{b, title={Another Title}, url={https://example.org/b},\n"
        "  file = {C:\\Users\\jane\\b.pdf}}\n"
        "@article{c, title={A Third}, pdf={https://example.org/c.pdf}}\n",
        encoding="utf-8",
    )
    warning = "zotero.bib:2: warning: 2 field(s) such as file = 'Full Text PDF:/Users/jane/Zotero/"
    ingested = run_cli(root, "ingest", str(bib))
    assert ingested.returncode == 0 and warning in ingested.stderr, ingested.stderr
    assert "name files on the computer this was exported from" in ingested.stderr
    checked = run_cli(root, "check")
    assert checked.returncode == 0 and f"content/sources/{warning}" in checked.stdout


def test_an_entry_deleted_from_a_kept_bibtex_file_moves_no_other(tmp_path: Path) -> None:
    """A curator drops a paper: its record, and its entry in content/sources/. The
    entries after it moved up a position, and check then called them "in no record"."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project")
    bib = root / "content" / "sources" / "refs.bib"
    entries = [
        f"@article{{k{n}, title={{Paper Number {n} Of Three}}, year={{2020}}}}\n" for n in (1, 2, 3)
    ]
    bib.write_text("".join(entries), encoding="utf-8")
    assert run_cli(root, "ingest", "content/sources/refs.bib").returncode == 0
    bib.write_text("".join(entries[1:]), encoding="utf-8")
    (root / "content" / "papers" / "paper-number-1-of-three.yml").unlink()
    checked = run_cli(root, "check")
    assert checked.returncode == 0 and " error" not in checked.stdout, checked.stdout
    again = run_cli(root, "ingest", "content/sources/refs.bib").stdout
    assert "0 new paper(s), 0 listing(s) merged into existing papers, 2 already known" in again


def test_a_newer_export_of_the_same_collection_adds_its_new_entries(tmp_path: Path) -> None:
    """A reference manager's collection, exported again as it grew, under the same name:
    ingest refused it ("already exists with other content; rename the file"), and a
    renamed one gave every paper it had a second listing. Now the copy in
    content/sources/ keeps every byte it had, a curator's fix too, and gains the
    entries whose keys it lacks, with the @string they use."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project", entries=3)
    export = tmp_path / "zotero" / "refs.bib"
    export.parent.mkdir()
    first = (
        "@string{ml = {ML}}\r\n"
        "@article{k1,\r\n  title = {Paper Number One},\r\n  year = {2020}\r\n}\r\n"
        "@article{k2,\r\n  title = {Paper Number Two},\r\n  year = {2021}\r\n}\r\n"
    )
    export.write_bytes(first.encode())
    assert run_cli(root, "ingest", str(export)).returncode == 0
    copy = root / "content" / "sources" / "refs.bib"
    fixed = copy.read_bytes().replace(b"{2021}", b"{2022}")  # a curator's fix, in the copy
    copy.write_bytes(fixed)
    grown = first.replace("Paper Number One", "Paper Number One, Retitled")
    grown = grown.replace("{ML}", "{Machine Learning}") + (
        "@string{neu = {NeurIPS}}\r\n"
        "@inproceedings{k3,\r\n  title = {Paper Number Three},\r\n  booktitle = neu,\r\n"
        "  year = {2023}\r\n}\r\n@article{broken, title = {Unclosed\r\n"
    )
    export.write_bytes(grown.encode())
    before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
    dry = run_cli(root, "ingest", "--dry-run", str(export))
    assert dry.returncode == 0, dry.stderr
    assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == before
    ran = run_cli(root, "ingest", str(export))
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[:2] == [
        f"append to content/sources/refs.bib the entries of {export} it lacks: k3",
        "add content/papers/paper-number-three.yml: Paper Number Three",
    ], ran.stdout
    assert dry.stdout == "".join(f"would {line}\n" for line in ran.stdout.splitlines()[:2]) + (
        "would be: " + ran.stdout.splitlines()[2] + "\n"
    )
    for what, line in (("@string 'ml'", 1), ("entry 'k1'", 2)):
        assert (
            f"content/sources/refs.bib:{line}: warning: {what} reads otherwise in {export}; "
            "the copy here is kept as it is"
        ) in ran.stderr, ran.stderr
    assert f"{export}:16: warning: an entry that cannot be read" in ran.stderr
    appended = copy.read_bytes()
    assert appended.startswith(fixed) and b"\n" not in appended.replace(b"\r\n", b"")
    assert appended[len(fixed) :].decode() == (
        "\r\n@string{neu = {NeurIPS}}\r\n\r\n@inproceedings{k3,\r\n"
        "  title = {Paper Number Three},\r\n  booktitle = neu,\r\n  year = {2023}\r\n}\r\n"
    )
    papers, _ = load_papers(Layout(root))
    assert papers["paper-number-three"].venue == "NeurIPS"
    assert [(x.key, x.position) for x in papers["paper-number-three"].listings] == [("k3", 3)]
    assert papers["paper-number-one"].title == "Paper Number One"
    assert run_cli(root, "check").returncode == 0
    again = run_cli(root, "ingest", str(export))
    assert "0 new paper(s), 0 listing(s) merged into existing papers, 3 already known" in (
        again.stdout
    )
    assert copy.read_bytes() == appended


def test_two_files_of_one_name_in_one_ingest_are_refused(tmp_path: Path) -> None:
    """`ingest a/two.bib b/two.bib`: the second copy replaced the first, whose paper
    kept a listing of a file that no longer held it. Refused now, with or without a
    copy of that name already there, and nothing is written."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project", entries=3)
    first, second = tmp_path / "a" / "two.bib", tmp_path / "b" / "two.bib"
    for path, n in ((first, 1), (second, 2)):
        path.parent.mkdir()
        path.write_text(f"@article{{k{n}, title={{Paper Number {n}}}, year={{2020}}}}\n", "utf-8")
    for present in (False, True):
        before = {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()}
        refused = run_cli(root, "ingest", str(first), str(second))
        assert refused.returncode == 1
        assert f"{second}: error: another file named two.bib is ingested too; rename one" in (
            refused.stderr
        ), refused.stderr
        assert {p: p.read_bytes() for p in (root / "content").rglob("*") if p.is_file()} == before
        if not present:
            assert run_cli(root, "ingest", str(tmp_path / "a" / "two.bib")).returncode == 0
            first.write_text(first.read_text("utf-8") + "@misc{k3, title={Three}}\n", "utf-8")
    assert run_cli(root, "ingest", str(first), str(first)).returncode == 0  # one file, twice


def test_twin_entries_of_one_bibtex_file_keep_a_listing_each(tmp_path: Path) -> None:
    """Two keys for one paper (a Zotero export's twins, same arXiv id): a key holds its
    entry, and an arXiv id only holds an entry that has no key (a daily paper's)."""
    from .conftest import make_small_project

    root = make_small_project(tmp_path / "project")
    bib = tmp_path / "twins.bib"
    bib.write_text(
        "@article{a1, title={Twin Paper}, eprint={2401.00001}, archivePrefix={arXiv}}\n"
        "@article{a2, title={Twin Paper}, eprint={2401.00001}, archivePrefix={arXiv}}\n",
        encoding="utf-8",
    )
    assert run_cli(root, "ingest", str(bib)).returncode == 0
    papers, _ = load_papers(Layout(root))
    assert [x.key for x in papers["twin-paper"].listings] == ["a1", "a2"]
    assert run_cli(root, "check").returncode == 0


UNUSUAL = [
    r"See \href{https://github.com/owner/repo} for the code.",  # one argument, as arXiv has
    r"We \input the rest.",
    r"Use \verb for code.",
    r"It grows as \sqrt n.",
    r"A claim\footnote.",
    "{" * 250 + "deep" + "}" * 250,
]


def test_one_value_the_latex_decoder_fails_on_is_a_warning(project: Path, tmp_path: Path) -> None:
    """\\href with one argument, \\sqrt, ~250 nested braces: a traceback, and the whole
    file refused; in content/sources/, check crashed too."""
    entries = [
        f"@article{{odd{i},\n  title = {{An Odd Abstract Number {i}}},\n  abstract = {{{text}}}\n}}\n"
        for i, text in enumerate(UNUSUAL)
    ]
    entries.append("@article{plain,\n  title = {A Plain Entry After Them},\n  year = {2024}\n}\n")
    bib = tmp_path / "odd.bib"
    bib.write_text("\n".join(entries), encoding="utf-8")
    result = run_cli(project, "ingest", str(bib))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "7 new paper(s)" in result.stdout
    failed = [line for line in result.stderr.splitlines() if "could not be read" in line]
    assert any(
        line.endswith(
            ":1: warning: entry 'odd0': field 'abstract': its LaTeX could not be read "
            "(IndexError); kept as written"
        )
        for line in failed
    ), result.stderr
    assert any("entry 'odd5'" in line and "(RecursionError)" in line for line in failed)
    papers, _ = load_papers(Layout(project))
    href = next(p for p in papers.values() if p.title == "An Odd Abstract Number 0")
    assert href.abstract == UNUSUAL[0]  # the raw text, kept
    checked = run_cli(project, "check")
    assert "Traceback" not in checked.stderr and "0 error(s)" in checked.stderr


def test_a_thousand_entries_with_latex_ingest_with_warnings_at_most(
    project: Path, tmp_path: Path
) -> None:
    """As an arXiv or Zotero export of a thousand papers: math, accents, macros of every
    kind in abstracts; no file is refused because of one value. (Every piece turns up
    hundreds of times; `bench/run.py --bibtex` times ten thousand.)"""
    import random

    rng = random.Random(3)
    pieces = [
        r"$O(n^2)$",
        r"\emph{fast}",
        r"\textbf{bold}",
        r"caf\'e",
        r"\cite{x}",
        r"\ref{fig}",
        r"\href{https://x.org}",
        r"\url{https://y.org/a_b}",
        r"\sqrt{2}",
        r"\footnote{f}",
        r"\verb|x|",
        r"\input{z}",
        r"$\alpha$-model",
        r"{\em weight}",
        "%",
        "&",
        r"\\",
        "{" * 40 + "x" + "}" * 40,
        r"\unknownmacro{y}",
        "~",
        r"\#",
        "``q''",
    ]
    entries = []
    for i in range(1000):
        words = " ".join(rng.choice(pieces) + " word" for _ in range(8))
        entries.append(
            f"@article{{e{i},\n  title = {{Paper {i} on {rng.choice(['sparse', 'dense'])} models}},\n"
            f"  author = {{M{{\\\"u}}ller, J{{\\'o}}s{i} and Smith, A.}},\n"
            f"  year = {{20{10 + i % 15}}},\n  abstract = {{{words}.}}\n}}\n"
        )
    bib = tmp_path / "export.bib"
    bib.write_text("\n".join(entries), encoding="utf-8")
    result = run_cli(project, "ingest", str(bib))
    assert result.returncode == 0, result.stderr[-2000:]
    assert "1000 listing(s): 1000 new paper(s)" in result.stdout
    assert "Traceback" not in result.stderr
    assert not [line for line in result.stderr.splitlines() if ": error: " in line]


LATEX_PIECES = st.sampled_from(
    [
        r"\href",
        r"\href{https://x.org}",
        r"\url{",
        r"\input",
        r"\verb",
        r"\verb|",
        r"\sqrt",
        r"\footnote",
        r"\frac{1}",
        r"\begin{itemize}",
        r"\end{equation}",
        r"\\",
        "$",
        "$$",
        "^",
        "_",
        "&",
        "%",
        "#",
        "~",
        "{",
        "}",
        r"\'",
        r"\"",
        r"\c",
        r"\textbackslash",
        r"\cite{",
        r"\newcommand",
        r"\def\x",
        "``",
        "''",
        "--",
        "\u00e9",
        "\U0001f600",
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.one_of(LATEX_PIECES, st.text(max_size=8)), max_size=30),
    depth=st.integers(min_value=0, max_value=400),
)
def test_the_bibtex_reader_never_crashes_on_latex(tmp_path_factory, pieces, depth) -> None:
    """Fuzz: unusual macros, deep braces and anything else in a value give entries and
    warnings, never an exception."""
    from generator.ingest.bibtex import parse_bibtex

    value = "{" * depth + "".join(pieces) + "}" * depth
    path = tmp_path_factory.mktemp("bib") / "fuzz.bib"
    path.write_text(
        f"@article{{fuzz,\n  title = {{Fuzz {value}}},\n  abstract = {{{value}}},\n"
        f"  author = {{{value} and Ada Lovelace}}\n}}\n"
        "@misc{after,\n  title = {The Entry After It}\n}\n",
        encoding="utf-8",
    )
    try:
        source = parse_bibtex(path)
    except SourceError:
        return  # no usable entry: a clear error, which ingest reports with the file
    assert any(e.title == "The Entry After It" for e in source.entries)
