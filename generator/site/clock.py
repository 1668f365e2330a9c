"""The build's date, reproducible: `SOURCE_DATE_EPOCH`, else the last commit's time.

MkDocs dates the sitemap and the gzip header of `sitemap.xml.gz` with
`SOURCE_DATE_EPOCH` when it is set, and the Atom feed uses the same date, so the same
commit always builds the same bytes (https://reproducible-builds.org/specs/source-date-epoch/).
"""

from __future__ import annotations

import os
import subprocess
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


def build_date(root: Path) -> datetime:
    """The date the output carries: `SOURCE_DATE_EPOCH` when set, else the last commit's
    time, else now (UTC). Read here and passed on; nothing is written to the
    environment."""
    value = os.environ.get(VARIABLE, "").strip()
    epoch = int(value) if value.isdigit() else last_commit_epoch(root)
    if epoch is None:
        return datetime.now(tz=timezone.utc).replace(microsecond=0)
    return datetime.fromtimestamp(epoch, tz=timezone.utc)
