"""The build date: SOURCE_DATE_EPOCH, else the last commit, else the start, pinned."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.clock import VARIABLE, build_date, pin_build_date


def test_an_explicit_epoch_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(VARIABLE, "1700000000")
    pin_build_date(tmp_path)
    assert build_date().isoformat() == "2023-11-14T22:13:20+00:00"


def test_without_git_the_date_is_pinned_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Without a pinned date, every rebuild under `serve` rewrote the feed, which the
    # server saw as a change and rebuilt again, forever.
    monkeypatch.setenv(VARIABLE, "")  # unset, and restored after the test
    pin_build_date(tmp_path)
    first = build_date()
    pin_build_date(tmp_path)
    assert build_date() == first
