"""Regression on the team's hand-written sample (tests/classifiers/data; never used for training)."""

from __future__ import annotations

import json
from pathlib import Path

from classifiers import Classifier

SAMPLE = Path(__file__).parent / "data" / "regression.jsonl"


def load() -> list[dict[str, object]]:
    return [json.loads(line) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_urgent_case_pages(classifier: Classifier) -> None:
    rows = [r for r in load() if r["urgency"] in ("P1", "P2")]
    missed = [r["text"] for r in rows if not classifier.classify(str(r["text"])).is_urgent]
    assert not missed


def test_p1_cases_are_p1(classifier: Classifier) -> None:
    rows = [r for r in load() if r["urgency"] == "P1"]
    missed = [r["text"] for r in rows if classifier.classify(str(r["text"])).urgency != "P1"]
    assert len(missed) <= len(rows) // 10, missed


def test_hard_negatives_do_not_page(classifier: Classifier) -> None:
    """Nothing, or sensitive but not urgent (P3: a past harm, a recovery): neither may page."""
    rows = [r for r in load() if r["urgency"] in ("none", "P3")]
    paged = [r["text"] for r in rows if classifier.classify(str(r["text"])).is_urgent]
    assert not paged


def test_labels_are_found(classifier: Classifier) -> None:
    rows = [r for r in load() if r["labels"]]
    wanted = sum(len(r["labels"]) for r in rows)  # type: ignore[arg-type]
    found = 0
    for r in rows:
        got = classifier.classify(str(r["text"])).labels
        found += sum(1 for label in r["labels"] if label in got)  # type: ignore[attr-defined]
    assert found / wanted >= 0.85


def test_lexicon_alone_still_pages_urgent_cases(lexicon_only: Classifier) -> None:
    rows = [r for r in load() if r["urgency"] in ("P1", "P2")]
    paged = sum(1 for r in rows if lexicon_only.classify(str(r["text"])).is_urgent)
    assert paged / len(rows) >= 0.8
