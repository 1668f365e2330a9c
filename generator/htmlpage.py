"""Paper pages skip Python-Markdown: their body is generated HTML from top to bottom.

Once the hook has lifted a paper page's HTML blocks (`rawhtml.lift`), its Markdown is
nothing but token paragraphs. Python-Markdown would turn each into `<p>token</p>` and
find no heading, link or anchor of its own. Building a Markdown instance with every
extension to learn that costs about 0.4 ms a page, four seconds at 10,000 papers, so
`HtmlPage` writes that HTML itself. A page that holds anything else, if a template
ever changed, is rendered by Markdown as before.
"""

from __future__ import annotations

from typing import Any

from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import rawhtml
from .render import PAPER_DIR


class HtmlPage(Page):
    """A page whose lifted Markdown is rendered without running Markdown when it can be."""

    def render(self, config: Any, files: Any) -> None:
        html = rawhtml.tokens_only(self.markdown or "")
        if html is None:
            super().render(config, files)
            return
        # What Markdown's own render leaves for a page of token paragraphs.
        self.content = html
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


def install(files: Any, config: Any) -> None:
    """Give every paper page an `HtmlPage` (MkDocs makes plain pages for the rest)."""
    for file in files.documentation_pages():
        if file.page is None and file.src_uri.startswith(f"{PAPER_DIR}/"):
            HtmlPage(None, file, config)
