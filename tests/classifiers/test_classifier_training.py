"""Threshold selection (recall first) and the recorded model metadata."""

from __future__ import annotations

import json

import numpy as np

from classifiers.model import MODEL_DIR
from classifiers.result import LABELS
from classifiers.training import FALSE_PAGE_BUDGET, TARGET_RECALL, pick_page_threshold, pick_threshold


def test_threshold_keeps_the_recall_target() -> None:
    rng = np.random.default_rng(0)
    truth = (rng.random(2000) < 0.2).astype(np.float32)
    scores = np.clip(truth * 0.4 + rng.random(2000) * 0.6, 0, 1).astype(np.float32)
    t = pick_threshold(scores, truth)
    recall = float(((scores >= t) & (truth > 0)).sum() / truth.sum())
    assert recall >= TARGET_RECALL


def test_page_threshold_respects_the_false_page_budget() -> None:
    rng = np.random.default_rng(1)
    quiet = (rng.random(5000) < 0.7).astype(np.float32)
    scores = rng.random(5000).astype(np.float32)
    t = pick_page_threshold(scores, quiet, floor=0.5)
    assert t >= 0.5
    assert float((scores[quiet > 0] >= t).mean()) <= FALSE_PAGE_BUDGET


def test_committed_model_records_its_thresholds() -> None:
    meta = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))
    assert meta["version"]
    for mode in meta["modes"].values():
        assert set(mode["thresholds"]) == set(LABELS)
        assert set(mode["page_thresholds"]) == set(LABELS)
        assert all(mode["page_thresholds"][lb] >= mode["thresholds"][lb] for lb in LABELS)
