"""Metrics for `python -m classifiers evaluate`: per label x language, urgency recall, false pages, speed."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from classifiers.dataset import Row
from classifiers.pipeline import Classifier
from classifiers.result import LABELS, ClassificationResult

BATCH = 64


def predict(classifier: Classifier, texts: Sequence[str]) -> tuple[list[ClassificationResult], float]:
    started = time.perf_counter()
    out: list[ClassificationResult] = []
    for i in range(0, len(texts), BATCH):
        out.extend(classifier.classify_many(texts[i : i + BATCH]))
    return out, time.perf_counter() - started


def prf(tp: int, fp: int, fn: int) -> dict[str, Any]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def metrics(
    rows: Sequence[Row], results: Sequence[ClassificationResult], seconds: float
) -> dict[str, Any]:
    langs = sorted({r.lang or res.lang for r, res in zip(rows, results, strict=True)})
    per: dict[str, dict[str, Any]] = {}
    for label in LABELS:
        per[label] = {}
        for lang in [*langs, "all"]:
            tp = fp = fn = 0
            for r, res in zip(rows, results, strict=True):
                if lang != "all" and (r.lang or res.lang) != lang:
                    continue
                truth, pred = label in r.labels, label in res.labels
                tp += truth and pred
                fp += pred and not truth
                fn += truth and not pred
            if tp + fp + fn:
                per[label][lang] = prf(tp, fp, fn)
    urgency: dict[str, Any] = {}
    with_urgency = [(r, res) for r, res in zip(rows, results, strict=True) if r.urgency]
    if with_urgency:
        p1 = [res for r, res in with_urgency if r.urgency == "P1"]
        p12 = [res for r, res in with_urgency if r.urgency in ("P1", "P2")]
        urgency = {
            "P1_recall": round(sum(x.urgency == "P1" for x in p1) / len(p1), 4) if p1 else None,
            "P1_support": len(p1),
            "P1P2_recall": round(sum(x.is_urgent for x in p12) / len(p12), 4) if p12 else None,
            "P1P2_support": len(p12),
        }
    quiet = [
        res for r, res in zip(rows, results, strict=True) if not r.labels and r.urgency in (None, "none")
    ]
    return {
        "rows": len(rows),
        "per_label": per,
        "urgency": urgency,
        "false_page_rate": round(sum(x.is_urgent for x in quiet) / len(quiet), 4) if quiet else None,
        "no_label_rows": len(quiet),
        "degraded_rows": sum(x.degraded for x in results),
        "msgs_per_s": round(len(rows) / seconds, 1) if seconds else None,
    }


def render(m: dict[str, Any]) -> str:
    lines = [f"rows {m['rows']}  throughput {m['msgs_per_s']} msg/s  degraded {m['degraded_rows']}"]
    lines.append(f"{'label':<18} {'lang':<4} {'prec':>6} {'rec':>6} {'f1':>6} {'n':>6}")
    for label, by_lang in m["per_label"].items():
        for lang, s in by_lang.items():
            lines.append(
                f"{label:<18} {lang:<4} {s['precision']:>6.3f} {s['recall']:>6.3f} "
                f"{s['f1']:>6.3f} {s['support']:>6}"
            )
    if m["urgency"]:
        u = m["urgency"]
        lines.append(
            f"P1 recall {u['P1_recall']} (n={u['P1_support']})  P1+P2 recall {u['P1P2_recall']} "
            f"(n={u['P1P2_support']})"
        )
    lines.append(f"false-page rate {m['false_page_rate']} on {m['no_label_rows']} rows needing nothing")
    return "\n".join(lines)
