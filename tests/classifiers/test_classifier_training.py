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


def test_a_muted_phrase_holds_back_a_short_message_but_not_a_long_post() -> None:
    from classifiers.pipeline import SHORT_CHARS, label_score

    short = label_score("self_harm", active=False, muted=True, model=0.8, length=60)
    long_post = label_score("self_harm", active=False, muted=True, model=0.8, length=SHORT_CHARS + 1)
    assert short == 0.4  # "I'm not going to kill myself": the negation explains the whole message
    assert long_post == 0.8  # one negated phrase in a long post does not outweigh the rest
    assert label_score("self_harm", active=True, muted=True, model=0.1, length=60) == 1.0


def test_thresholds_are_picked_on_the_scores_the_pipeline_computes() -> None:
    from classifiers.training import Signals, combined

    n = len(LABELS)
    signals = Signals(active=np.zeros((2, n), np.float32), muted=np.ones((2, n), np.float32),
                      length=np.array([50, 5000]))
    model = np.full((2, n), 0.6, dtype=np.float32)
    scores = combined(signals, model)
    assert np.allclose(scores[0], 0.3) and np.allclose(scores[1], 0.6)
