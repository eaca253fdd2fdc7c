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


def test_page_budget_holds_in_the_teams_rows_as_well_as_the_public_ones() -> None:
    # 2,000 quiet public rows the model scores low, 100 quiet team rows of which 5 score 0.72: pooled, 5 of
    # 2,100 fit the 1% budget at 0.5; the team's own rows alone need the bar above 0.72
    scores = np.concatenate([np.full(2000, 0.1), np.full(95, 0.2), np.full(5, 0.72)]).astype(np.float32)
    quiet = np.ones(2100, dtype=np.float32)
    own = np.concatenate([np.zeros(2000), np.ones(100)]).astype(np.float32)
    assert pick_page_threshold(scores, quiet, floor=0.5) == 0.5
    assert pick_page_threshold(scores, quiet, floor=0.5, own=own) > 0.72


def test_training_reads_the_team_sets_but_never_a_measure_only_set_or_the_regression_sample() -> None:
    from classifiers.dataset import REGRESSION_SAMPLE, TEAM_SETS_DIR, is_measure_only, own_examples, read_jsonl

    measure_only = [p for p in TEAM_SETS_DIR.glob("ministry_*.jsonl") if is_measure_only(p.stem)]
    assert {"ministry_heldback", "ministry_probe26", "ministry_probe42"} <= {p.stem for p in measure_only}
    assert not is_measure_only("ministry_probe25") and not is_measure_only("ministry_probe")
    rows = own_examples()
    sources = {r.source for r in rows}
    assert "own:ministry_probe" in sources and "own:own_ar" in sources
    assert not {f"own:{p.stem}" for p in measure_only} & sources
    held = {str(o["text"]) for p in measure_only for o in read_jsonl(p)}
    regression = {str(o["text"]) for o in read_jsonl(REGRESSION_SAMPLE)}
    texts = [r.text for r in rows]
    assert len(texts) == len(set(texts))
    assert not set(texts) & regression
    assert not set(texts) & held  # nor is a measure-only text, wherever else it appears



def test_the_urgency_heads_read_the_team_batches_before_their_line_but_never_a_later_one() -> None:
    """The heads learn from the team's rows alone and take every batch before URGENCY_FIRST_FRESH_PROBE; the
    held-back set and the batches from it on stay measure-only for them, as the regression sample does."""
    from classifiers.dataset import (
        REGRESSION_SAMPLE,
        TEAM_SETS_DIR,
        URGENCY_FIRST_FRESH_PROBE,
        is_measure_only,
        own_examples,
        read_jsonl,
    )

    fresh = [p for p in TEAM_SETS_DIR.glob("ministry_*.jsonl") if is_measure_only(p.stem, URGENCY_FIRST_FRESH_PROBE)]
    assert {"ministry_heldback", f"ministry_probe{URGENCY_FIRST_FRESH_PROBE + 1}"} <= {p.stem for p in fresh}
    rows = own_examples(first_fresh=URGENCY_FIRST_FRESH_PROBE)
    sources = {r.source for r in rows}
    assert {"own:ministry_probe26", "own:ministry_probe99"} <= sources
    assert not {f"own:{p.stem}" for p in fresh} & sources
    unseen = {str(o["text"]) for p in fresh for o in read_jsonl(p)} | {
        str(o["text"]) for o in read_jsonl(REGRESSION_SAMPLE)
    }
    assert not {r.text for r in rows} & unseen

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
