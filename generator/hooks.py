"""MkDocs hook: regenerate the pages from `content/` before every build.

`mkdocs.yml` names this file under `hooks:`, so plain `mkdocs build` and `mkdocs serve`
work from the project root. It connects MkDocs events to the generator, and puts in
the pages (and copies the downloads) that the generator's forked child delivers while
MkDocs builds (`pipeline.write_later`).
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, TypeVar

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils.meta import get_data

from generator import chrome, htmlpage, parallel, rawhtml
from generator.clock import pin_build_date
from generator.errors import ContentError, ReadingListError
from generator.pipeline import generate, is_serving, session_for, start_serving
from generator.render import SiteOptions
from generator.search import drop_stale_entries
from generator.store import Layout

T = TypeVar("T")


def edit_base(config: Any) -> str:
    """`repo_url` + `edit_uri`, the prefix of every edit link ('' without a repository)."""
    if not config.repo_url or not config.edit_uri:
        return ""
    return config.repo_url.rstrip("/") + "/" + config.edit_uri.strip("/") + "/"


def site_url(config: Any) -> str:
    """`site_url` ending in `/`, or '' when it is not set."""
    return config.site_url.rstrip("/") + "/" if config.site_url else ""


def site_options(config: Any) -> SiteOptions:
    """What the generator takes from `mkdocs.yml`."""
    return SiteOptions(
        edit_base=edit_base(config),
        cname=config.extra.get("cname", ""),
        site_url=site_url(config),
        site_name=config.site_name,
        directory_urls=config.use_directory_urls,
    )


class _Build:
    """What one build's events pass on to later ones."""

    def __init__(self) -> None:
        # The downloads and pages, possibly still being written by a forked child; the
        # downloads' paths, and the pages' text for MkDocs to take instead of reading.
        self.downloads: parallel.Pending[Any] = parallel.Done(0)
        self.written: parallel.Pending[Any] = parallel.Done(0)
        self.download_paths: set[str] = set()
        self.pages: dict[str, str] = {}
        # Pages (and the downloads) that arrive while MkDocs builds, and the files.
        self.later: dict[str, parallel.Pending[dict[str, str]]] = {}
        self.late_files: list[LateFile] = []
        self.files: Any = None

    def cancel(self) -> None:
        """Stop the writing child, if any: the build failed."""
        self.written.cancel()
        self.downloads.cancel()
        self.downloads = self.written = parallel.Done(0)
        self.pages, self.later, self.late_files, self.files = {}, {}, [], None


class LateFile(File):
    """A download the generator's child is still writing: copied once it is done."""

    def copy_file(self, dirty: bool = False) -> None:
        pass  # on_post_build copies it, after waiting for the child

    def copy_now(self) -> None:
        File.copy_file(self)


_build = _Build()


def on_startup(command: str, dirty: bool) -> None:
    # MkDocs re-executes this file on every rebuild; what a rebuild reuses lives in
    # the generator package, which is imported once.
    if command == "serve":
        start_serving()


def on_config(config: Any) -> Any:
    root = Path(config.config_file_path).parent
    pin_build_date(root)
    options = site_options(config)
    try:
        generated = generate(
            Layout(root), Path(config.docs_dir), options, session_for(root), background=True
        )
    except ContentError as exc:
        problems = "\n".join(str(p) for p in exc.problems)
        raise PluginError(f"{exc}:\n{problems}") from None
    except ReadingListError as exc:
        raise PluginError(str(exc)) from None
    _build.downloads, _build.written = generated.downloads, generated.written
    _build.download_paths, _build.pages = generated.download_paths, generated.pages
    _build.later = generated.later
    config.nav = generated.nav
    return config


def on_files(files: Any, config: Any) -> Any:
    added = False
    # Pages the generator still holds are read from memory: a child may be writing them.
    for path, text in _build.pages.items():
        file = files.get_file_from_path(path)
        if file is None:
            files.append(File.generated(config, path, content=text))
            added = True
        else:
            file.content_string = text
    _build.pages = {}
    htmlpage.install(files, config)
    # Downloads the child has not written yet were not in the folder MkDocs listed.
    for path in sorted(_build.download_paths):
        file = files.get_file_from_path(path)
        if _build.later:  # written last: copied after the pages are built
            if file is not None:
                files.remove(file)
            file = LateFile(path, config.docs_dir, config.site_dir, config.use_directory_urls)
            _build.late_files.append(file)
        elif file is None:
            file = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
        else:
            continue
        files.append(file)
        added = True
    # Files added here go where a listing of the finished folder would have put them:
    # the order shows in the sitemap and the search index.
    _build.files = Files(sorted(files, key=_listing_order)) if added else files
    return _build.files


def _listing_order(file: File) -> tuple[tuple[str, ...], bool, str]:
    """MkDocs' listing order: folders walked top-down by name, each with `index` first."""
    folder, _, name = file.src_uri.rpartition("/")
    is_index = posixpath.splitext(name)[0] in ("index", "README")
    return tuple(folder.split("/")) if folder else (), not is_index, name


def on_env(env: Any, config: Any, files: Any) -> Any:
    # MkDocs copies the downloads next: they must be complete. Until now the child
    # wrote them while MkDocs read every page.
    downloads, _build.downloads = _build.downloads, parallel.Done(0)
    _wait_for(downloads)
    chrome.install(env)
    return env


def _wait_for(pending: parallel.Pending[T]) -> T:
    try:
        return pending.wait()
    except ReadingListError as exc:
        raise PluginError(str(exc)) from None


def on_build_error(error: Exception) -> None:
    _build.cancel()


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    # A page still being rendered is a placeholder until the hook builds it.
    page.rl_later = _build.later.get(page.file.src_uri)
    _edit_url(page, config)
    markdown, page.rl_html_blocks = rawhtml.lift(markdown)
    page.rl_markdown = markdown
    return markdown


def _edit_url(page: Any, config: Any) -> None:
    # Generated pages are not in the repository: edit their source record instead.
    source = page.meta.get("rl_edit")
    base = edit_base(config)
    page.edit_url = f"{base}{source}" if source and base else None


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    page.rl_html = html
    if page.rl_later is not None:
        return html  # completed in `_complete_later_page`, when MkDocs builds the page
    return _with_blocks(page, html, page.rl_html_blocks)


def _with_blocks(page: Any, html: str, blocks: list[str]) -> str:
    """The page's content for search; the whole of it is kept in `page.rl_content`.

    Until the search plugin has indexed the page, its content is the searchable part
    only; the whole page is put back before the template renders it.
    """
    links = rawhtml.headings(blocks)
    # A page whose h1 Markdown never saw takes its title from it, as MkDocs would.
    page.title = next((link.title for link in links if link.level == 1), page.title)
    rawhtml.add_headings(page.toc, links)
    page.rl_content = rawhtml.restore(html, blocks)
    return rawhtml.restore(html, rawhtml.searchable(blocks))


@event_priority(100)  # before Material's search plugin reads the page
def _complete_later_page(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """Put in a page that arrived while MkDocs built: what the placeholder left out."""
    if page.rl_later is None:
        return context
    path = page.file.src_uri
    pages, page.rl_later = _wait_for(page.rl_later), None
    markdown, meta = get_data(pages[path])
    markdown, blocks = rawhtml.lift(markdown)
    if page.rl_markdown:  # Markdown read its skeleton (`render.Skeleton`), less some blocks
        if markdown != page.rl_markdown:
            raise PluginError(f"{path}: the page came out unlike its placeholder")
    else:  # a paper page: all of it is here now
        page.meta = meta
        _edit_url(page, config)
        page.markdown = markdown
        page.render(config, _build.files)
        page.rl_html = page.content
    page.content = _with_blocks(page, page.rl_html, blocks)
    return context


@event_priority(-100)  # after Material's search plugin has read page.content
def _whole_page(context: Any, page: Any, config: Any, nav: Any) -> Any:
    page.content = page.rl_content
    return context


on_page_context = CombinedEvent(_complete_later_page, _whole_page)


def on_post_build(config: Any) -> None:
    # The generated folder must be complete (and its manifest written) before the
    # build ends: the child writing it would be stopped when this process exits.
    written, _build.written = _build.written, parallel.Done(0)
    _wait_for(written)
    for file in _build.late_files:
        file.copy_now()
    _build.late_files, _build.later, _build.files = [], {}, None
    # Material's search keeps the previous index across dirty rebuilds but replaces the
    # entries of only one rebuilt page; an edit rebuilds several, so the others would be
    # listed twice, old text and new. Keep each page's newest entries.
    if is_serving():
        drop_stale_entries(Path(config.site_dir) / "search" / "search_index.json")
