"""The commands that build the site: generate, build, serve, bundle."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from generator.commands import folder_option, locked, project, reports_errors
from generator.content.store import Layout
from generator.errors import ContentError, ReadingListError

log = logging.getLogger("generator")


def _prepare(layout: Layout) -> Path:
    """The project's `mkdocs.yml`, with `build/docs/` in place (MkDocs refuses a
    configuration whose docs_dir does not exist), never made through a link."""
    from generator.content.files import real_folder

    config_file = layout.root / "mkdocs.yml"
    if not config_file.exists():
        raise ReadingListError(f"no mkdocs.yml in {layout.root}: run this from the project root")
    for folder in (layout.build, layout.build / "docs"):
        folder.mkdir(exist_ok=True)
        real_folder(folder)
    return config_file


def _generate(layout: Layout, offline: bool = False) -> Path:
    """Generate `build/` for the project's `mkdocs.yml`; the generated config's path.

    `offline` generates for the copy opened from disk (`.html` links).
    """
    from generator.engine.build import project_config, site_options
    from generator.site.generate import generate

    config_file = _prepare(layout)
    overrides = {"use_directory_urls": False} if offline else {}
    options = site_options(project_config(config_file, **overrides), layout.root)
    generated = generate(layout, options)
    log.debug("generated %d file(s)%s", generated.changed, " (reused)" if generated.reused else "")
    return layout.build / "mkdocs.yml"


@click.command(name="generate", short_help="Write build/docs/ and build/mkdocs.yml.")
@reports_errors
@locked
def generate_command() -> None:
    """Write the site's pages into build/docs/ and its configuration, build/mkdocs.yml.

    Plain `mkdocs build -f build/mkdocs.yml` (or another MkDocs-compatible engine)
    then builds the site; `readinglist build` does both.
    """
    layout = project()
    config = _generate(layout)
    click.echo(f"Generated {layout.rel(config.parent / 'docs')}/ and {layout.rel(config)}")


@click.command(short_help="Generate, then build the site into site/.")
@click.option("--strict", is_flag=True, help="Fail on MkDocs warnings (broken links, ...).")
@folder_option("--site-dir", "site", "Where to write the site.")
@reports_errors
@locked
def build(strict: bool, site_dir: Path) -> None:
    """Generate the pages and build the site into site/.

    The site is built in a temporary folder and swapped into place only when the
    build has succeeded, so a failed build leaves the previous site untouched.
    """
    from generator.engine.build import build_site
    from generator.site.output import check_site_dir

    layout = project()
    check_site_dir(layout.root / site_dir, layout.root)  # before anything is written
    target = build_site(_generate(layout), layout.root / site_dir, layout.root, strict=strict)
    click.echo(f"Site built in {layout.rel(target)}/")


@click.command(short_help="Preview the site with live reload.")
@click.option(
    "-a",
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    metavar="IP:PORT",
    help="Address to serve the preview on.",
)
@reports_errors
def serve(dev_addr: str) -> None:
    """Preview the site, rebuilding when content/, overrides/ or mkdocs.yml change.

    A content error replaces the page in the browser until the file is fixed.
    """
    from generator.content.store import content_problem, depth_problem
    from generator.engine.build import check_address
    from generator.engine.build import serve as serve_site

    check_address(dev_addr)
    layout = project()
    refused = content_problem(layout) or depth_problem(layout)
    if refused:  # MkDocs' file watcher would follow the link, or overflow on the depth
        raise ContentError([refused])
    if not logging.getLogger().isEnabledFor(logging.DEBUG):
        # MkDocs' server warns of every request that is not a 200, the error page's too.
        logging.getLogger("mkdocs.livereload").setLevel(logging.ERROR)
    serve_site(_prepare(layout), dev_addr)


@click.command(short_help="Zip the site for reading offline, into dist/.")
@folder_option("--dist-dir", "dist", "Where to write the zip.")
@reports_errors
@locked
def bundle(dist_dir: Path) -> None:
    """Build the offline site and zip it into dist/<site-name>-offline.zip.

    Unzipped anywhere and opened from disk, it works with no network: navigation,
    links and search.
    """
    from generator.bundle import make_bundle
    from generator.engine.build import project_config

    layout = project()
    config_file = _generate(layout, offline=True)
    site_name = project_config(config_file).site_name
    target = make_bundle(config_file, layout.root, layout.root / dist_dir, site_name)
    click.echo(f"Offline bundle written to {layout.rel(target)}")


COMMANDS = [generate_command, build, serve, bundle]
