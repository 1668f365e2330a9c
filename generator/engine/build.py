"""Build a generated folder with MkDocs' public API, and serve the project.

The site is built into a folder beside the target and swapped in only once MkDocs has
finished (`site.output`).
"""

from __future__ import annotations

import logging
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, ConfigurationError, PluginError

from generator.content.files import real_folder
from generator.engine.icons import icon_folders
from generator.site.clock import build_date
from generator.site.output import BuildError, publish, staging_for
from generator.site.paths import SiteOptions

log = logging.getLogger(__name__)
LIFT = Path(__file__).with_name("lift.py")
"""The hook that spares raw HTML blocks a parse (`lift`); the generated configuration
names no hook, so `mkdocs build -f build/mkdocs.yml` builds the same site without it."""


def project_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """The project's `mkdocs.yml`, loaded and validated by MkDocs, with `site_url` and
    `repo_url` taken from a GitHub remote where neither it nor the environment sets them."""
    try:
        config = load_config(config_file=str(config_file), **overrides)
        missing = {}
        if not (config.site_url and config.repo_url):
            missing = {
                key: value
                for key, value in github_urls(Path(config.config_file_path).parent).items()
                if not config[key] and key not in overrides
            }
        if missing:  # loaded again, so that MkDocs derives `repo_name` and the rest
            config = load_config(config_file=str(config_file), **overrides, **missing)
        no_edit_links_without_a_repository(config)
        return config
    except (ConfigurationError, Abort) as exc:
        raise BuildError(f"{config_file.name}: {exc}") from None


def no_edit_links_without_a_repository(config: Any) -> None:
    """With no repository, no page has an edit link: MkDocs keeps `edit_uri` without a
    `repo_url`, and warns of it on every page. `project_config` and the hook (plain
    `mkdocs build` from the root) both call this."""
    if not config.repo_url:
        config.edit_uri = ""


_GITHUB_REMOTE = re.compile(
    r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?"
)


def github_urls(folder: Path) -> dict[str, str]:
    """`site_url` (GitHub Pages') and `repo_url` for the git remote `origin` of the
    repository holding `folder`, when that is on GitHub; nothing otherwise.

    `git remote get-url` reads the configuration and runs nothing it names; the
    file-system monitor, the one command a `.git/config` could start, is turned off."""
    try:
        remote = subprocess.run(
            ["git", "-c", "core.fsmonitor=false", "remote", "get-url", "origin"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):  # no git, no repository, no origin
        return {}
    found = _GITHUB_REMOTE.fullmatch(remote)
    if not found:
        return {}
    owner, name = found.groups()
    pages = f"https://{owner.lower()}.github.io/"
    site_url = pages if f"https://{name.lower()}/" == pages else f"{pages}{name}/"
    return {"site_url": site_url, "repo_url": f"https://github.com/{owner}/{name}"}


SUGGEST = "/issues/new?template=suggest-paper.yml"
"""`.github/ISSUE_TEMPLATE/suggest-paper.yml`'s form; GitHub opens a blank issue without it."""


def site_options(config: Any, root: Path) -> SiteOptions:
    """What the generator takes from a loaded configuration."""
    edit_base = ""
    if config.repo_url and config.edit_uri:
        edit_base = config.repo_url.rstrip("/") + "/" + config.edit_uri.strip("/") + "/"
    github = (config.repo_url or "").startswith("https://github.com/")
    return SiteOptions(
        edit_base=edit_base,
        suggest_url=config.repo_url.rstrip("/") + SUGGEST if github else "",
        cname=config.extra.get("cname", ""),
        site_url=config.site_url.rstrip("/") + "/" if config.site_url else "",
        site_name=config.site_name,
        site_description=config.site_description or "",
        directory_urls=config.use_directory_urls,
        offline_bundle=bool(config.extra.get("offline_bundle")),
        icon_folders=icon_folders(config.theme.dirs),
        build_date=build_date(root).isoformat(),
    )


def build_site(
    config_file: Path, site_dir: Path, root: Path, strict: bool = False, offline: bool = False
) -> Path:
    """Build `config_file` (a generated `build/mkdocs.yml`) into `site_dir`, atomically.

    `offline` builds the copy that is opened from disk, with `.html` links.
    """
    site_dir = site_dir.absolute()
    staging = staging_for(site_dir, root)
    try:
        overrides: dict[str, Any] = {"use_directory_urls": False} if offline else {}
        config = project_config(
            config_file, site_dir=str(staging), strict=strict, hooks=[str(LIFT)], **overrides
        )
        mkdocs_build(config)
    except Abort:
        # MkDocs has already logged what went wrong.
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"the build failed; {site_dir.name}/ was left as it was") from None
    except (ConfigurationError, PluginError) as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"the build failed: {exc}") from None
    except BaseException:  # an OSError (a full disk) is reported by the command line
        shutil.rmtree(staging, ignore_errors=True)
        raise
    publish(staging, site_dir)
    return site_dir


def check_address(dev_addr: str) -> None:
    """Say that the address is taken before building anything or claiming to serve."""
    host, _, port = dev_addr.rpartition(":")
    if not (host and port.isdigit() and int(port) <= 65535):
        raise BuildError(
            f"--dev-addr: expected IP:PORT with a port up to 65535, such as 127.0.0.1:8001;"
            f" got {dev_addr!r}"
        )
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host.strip("[]") or "127.0.0.1", int(port)))
    except OSError as exc:
        raise BuildError(
            f"cannot serve on {dev_addr}: {exc.strerror or exc}; another program may be "
            f"using the port. Pick another: readinglist serve --dev-addr {host}:{int(port) + 1}"
        ) from None


def serve(config_file: Path, dev_addr: str) -> None:
    """MkDocs' live preview of the root configuration, with its `dirty` build: its hook
    regenerates the pages on every rebuild, and MkDocs rebuilds the pages whose source
    changed (or all of them, when what every page shows changed: `preview`)."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    from generator.engine.preview import FLAG

    config = project_config(config_file)
    derived = {key: config[key] for key in ("site_url", "repo_url", "edit_uri")}
    # A folder of its own: `readinglist build` and `bundle` fill build/docs/, for other
    # addresses (and offline), and would turn every preview page stale.
    preview = Path(config.config_file_path).parent / "build" / "preview"
    preview.mkdir(exist_ok=True)
    real_folder(preview)
    # MkDocs warns on every dirty build that it may be inaccurate; the hook makes it exact.
    logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_warning)
    mkdocs_serve(
        config_file=str(config_file),
        dev_addr=dev_addr,
        livereload=True,
        build_type="dirty",
        docs_dir=str(preview),
        extra={**config.extra, FLAG: True},
        **derived,
    )


def _not_the_dirty_warning(record: logging.LogRecord) -> bool:
    return not str(record.msg).startswith("A 'dirty' build is being performed")
