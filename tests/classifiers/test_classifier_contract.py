"""The contract other parts of Najda code against: fields, types, order, and no exception for any str."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from classifiers import LABELS, URGENCIES, ClassificationResult, Classifier
from classifiers.__main__ import main

EDGE_CASES = [
    "",
    " ",
    "😭😭😭🙏",
    "\u200f\u200e\u202b\u202c",
    "ا" * 10_000,
    "help " * 2_000,
    "\ud800 lone surrogate",
    "\x00\x01\x02",
    "١٢٣٤٥٦٧٨٩٠",
    "ـــــــ",
    "https://t.co/abc @someone #tag",
]


def check(res: ClassificationResult, text: str) -> None:
    assert set(res.scores) == set(LABELS)
    assert all(0.0 <= s <= 1.0 for s in res.scores.values())
    assert set(res.labels) <= set(LABELS)
    assert res.urgency in URGENCIES
    assert (res.urgency == "none") == (not res.labels)
    assert res.lang in ("ar", "en")
    assert res.model_version
    for ev in res.evidence:
        assert 0 <= ev.start <= ev.end <= len(text)
        assert ev.label in LABELS and ev.source


@pytest.mark.parametrize("text", EDGE_CASES)
def test_classify_never_raises(classifier: Classifier, text: str) -> None:
    check(classifier.classify(text), text)


def test_classify_many_keeps_order(classifier: Classifier) -> None:
    texts = ["I want to kill myself", "What are your opening hours?", "زوجي يضربني"]
    results = classifier.classify_many(texts)
    assert [r.labels for r in results] == [classifier.classify(t).labels for t in texts]
    assert "self_harm" in results[0].labels and not results[1].labels


def test_predict_cli_contract(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "ابي انتحر الليله"},
        {"id": 7, "text": "متى مواعيد الدوام؟", "extra": "ignored"},
        {"id": "c", "text": ""},
    ]
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    assert main(["predict", str(src), str(dst)]) == 0
    out = [json.loads(line) for line in dst.read_text(encoding="utf-8").splitlines()]
    assert [o["id"] for o in out] == ["a", 7, "c"]
    for o in out:
        assert {
            "id",
            "labels",
            "scores",
            "urgency",
            "evidence",
            "lang",
            "model_version",
            "degraded",
        } <= set(o)
        assert set(o["scores"]) == set(LABELS)
        assert o["urgency"] in URGENCIES
        assert isinstance(o["degraded"], bool)
        for ev in o["evidence"]:
            assert {"start", "end", "label", "source"} <= set(ev)
    assert out[0]["labels"] == ["self_harm"] and out[0]["urgency"] == "P1"
    assert out[1]["urgency"] == "none"


def test_evaluate_cli_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = Path(__file__).parent / "data" / "regression.jsonl"
    assert main(["evaluate", str(src), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rows"] > 20
    assert "self_harm" in report["per_label"]
    assert report["false_page_rate"] is not None


def test_explain_cli(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", "زوجي يضربني الحين"]) == 0
    out = capsys.readouterr().out
    assert "domestic_violence" in out and "evidence" in out
