"""The build date: SOURCE_DATE_EPOCH, else the last commit, else now."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.site.clock import VARIABLE, build_date

from .conftest import ROOT


def test_an_explicit_epoch_wins(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(VARIABLE, "1700000000")
    assert build_date(tmp_path).isoformat() == "2023-11-14T22:13:20+00:00"


def test_the_last_commit_dates_a_checkout_and_nothing_is_written_to_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    first = build_date(ROOT)
    assert build_date(ROOT) == first  # the same commit, the same date, for every rebuild
    assert VARIABLE not in os.environ
