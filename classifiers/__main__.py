"""Command line: predict / evaluate / train / explain (see `python -m classifiers --help`)."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from classifiers.dataset import load_rows, read_jsonl


def _predict(args: argparse.Namespace) -> int:
    from classifiers.evaluation import predict
    from classifiers.pipeline import load_classifier

    rows = list(read_jsonl(Path(args.input)))
    clf = load_classifier()
    results, _ = predict(clf, [str(r.get("text", "")) for r in rows])
    with Path(args.output).open("w", encoding="utf-8") as out:
        for row, res in zip(rows, results, strict=True):
            d = res.to_dict()
            record = {
                "id": row.get("id"),
                "labels": d["labels"],
                "scores": d["scores"],
                "urgency": d["urgency"],
                "evidence": d["evidence"],
                "lang": d["lang"],
                "model_version": d["model_version"],
                "degraded": d["degraded"],
                "reasons": d["reasons"],
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from classifiers.evaluation import metrics, predict, render
    from classifiers.pipeline import load_classifier

    rows = load_rows(Path(args.input))
    clf = load_classifier(use_embeddings=not args.no_embeddings)
    results, seconds = predict(clf, [r.text for r in rows])
    m = metrics(rows, results, seconds)
    m["model_version"] = clf.version
    print(json.dumps(m, indent=2, ensure_ascii=False) if args.json else render(m))
    return 0


def _train(args: argparse.Namespace) -> int:
    from classifiers.training import train

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    if args.urgency_only:
        from classifiers.model import MODEL_DIR
        from classifiers.urgency_head import refit

        print(json.dumps(refit(MODEL_DIR, Path(args.data) if args.data else None), indent=2))
        return 0
    meta = train(Path(args.data) if args.data else None, embeddings=not args.no_embeddings)
    print(json.dumps(meta, indent=2, ensure_ascii=False))
    return 0


def _explain(args: argparse.Namespace) -> int:
    from classifiers.pipeline import load_classifier

    clf = load_classifier()
    res = clf.classify(args.text)
    print(f"urgency: {res.urgency}   labels: {', '.join(res.labels) or '-'}   lang: {res.lang}")
    print(f"model: {res.model_version}{'  (DEGRADED: lexicon only)' if res.degraded else ''}")
    print("scores: " + "  ".join(f"{k}={v:.2f}" for k, v in res.scores.items()))
    for reason in res.reasons:
        print(f"reason: {reason}")
    for ev in res.evidence:
        print(
            f"evidence [{ev.start}:{ev.end}] {ev.label:<18} {ev.source:<36} "
            f"{args.text[ev.start : ev.end]!r} {ev.reason}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m classifiers")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("predict", help="IN.jsonl (id, text) -> OUT.jsonl")
    p.add_argument("input")
    p.add_argument("output")
    p.set_defaults(func=_predict)
    e = sub.add_parser("evaluate", help="IN.jsonl with labels (and optionally urgency, lang)")
    e.add_argument("input")
    e.add_argument("--json", action="store_true")
    e.add_argument("--no-embeddings", action="store_true", help="measure the spaCy model without e5")
    e.set_defaults(func=_evaluate)
    t = sub.add_parser("train", help="rebuild classifiers/model/ from shared data + classifiers/data/")
    t.add_argument("--data", help="shared data dir (default $NAJDA_SHARED_DATA or ../shared/data)")
    t.add_argument("--no-embeddings", action="store_true")
    t.add_argument("--urgency-only", action="store_true", help="refit only the urgency head on the model in the repo")
    t.set_defaults(func=_train)
    x = sub.add_parser("explain", help='explain the decision on one message: explain "text"')
    x.add_argument("text")
    x.set_defaults(func=_explain)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
