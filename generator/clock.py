"""The build's date, reproducible: `SOURCE_DATE_EPOCH`, else the last commit's time.

MkDocs dates the sitemap and the gzip header of `sitemap.xml.gz` with
`SOURCE_DATE_EPOCH` when it is set, and the Atom feed uses the same date, so the same
commit always builds the same bytes (https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import os
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

VARIABLE = "SOURCE_DATE_EPOCH"


def last_commit_epoch(root: Path) -> int | None:
    """Unix time of the last commit of the repository holding `root`, if there is one."""
    try:
        out = subprocess.run(
            ["git", "-C", str(root), "log", "-1", "--format=%ct"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    value = out.stdout.strip()
    return int(value) if out.returncode == 0 and value.isdigit() else None


def pin_build_date(root: Path) -> None:
    """Set `SOURCE_DATE_EPOCH` when the caller has not: the last commit's time, or now.

    Pinned once per process, so `serve` does not see the feed's date change on every
    rebuild and rebuild again.
    """
    if os.environ.get(VARIABLE, "").strip():
        return
    epoch = last_commit_epoch(root)
    os.environ[VARIABLE] = str(epoch if epoch is not None else int(time.time()))


def build_date() -> datetime:
    """The date the output carries: `SOURCE_DATE_EPOCH` when set, else now (UTC)."""
    value = os.environ.get(VARIABLE, "").strip()
    if value.isdigit():
        return datetime.fromtimestamp(int(value), tz=timezone.utc)
    return datetime.now(tz=timezone.utc)
