"""The offline bundle: the site built for `file://`, zipped into `dist/`."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path

from generator.engine.build import build_site
from generator.site.output import SITE_MARKER, remove_dead
from generator.site.paths import bundle_name

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Every entry gets this timestamp, so the same site always zips to the same bytes."""
LEFT_OUT = frozenset([SITE_MARKER, "404.html", "CNAME", "sitemap.xml", "sitemap.xml.gz"])
"""Files only a web server uses. The 404 page's links start at the server's root, which
a folder opened from disk does not have."""


def make_bundle(config_file: Path, root: Path, dist_dir: Path, site_name: str) -> Path:
    """Build the offline site and write `dist/<site-name>-offline.zip`."""
    name = bundle_name(site_name)
    created = not dist_dir.exists()
    dist_dir.mkdir(parents=True, exist_ok=True)
    remove_dead(dist_dir, ".bundle-")
    try:
        with tempfile.TemporaryDirectory(prefix=f".bundle-{os.getpid()}-", dir=dist_dir) as tmp:
            site = build_site(config_file, Path(tmp) / name, root, offline=True)
            archive = Path(tmp) / f"{name}.zip"
            zip_folder(site, archive, prefix=name)
            target = dist_dir / f"{name}.zip"
            os.replace(archive, target)
    except BaseException:
        if created:
            dist_dir.rmdir()  # a failed bundle leaves nothing behind
        raise
    return target


def zip_folder(folder: Path, archive: Path, prefix: str) -> None:
    """Zip `folder` under `prefix/`, in a stable order with fixed timestamps, leaving out
    what only a web server uses."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if path.relative_to(folder).as_posix() in LEFT_OUT:
                continue
            info = zipfile.ZipInfo(f"{prefix}/{path.relative_to(folder).as_posix()}", ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes())
