"""A label's bar can differ by language (training.by_language); the lexicon still decides everywhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from classifiers import Classifier, load_classifier
from classifiers.model import MODEL_DIR
from classifiers.result import LABELS
from classifiers.rules import RuleResult

SHARED, ARABIC = 0.3, 0.5


@pytest.fixture(scope="module")
def with_arabic_bar(tmp_path_factory: pytest.TempPathFactory) -> Classifier:
    model_dir = tmp_path_factory.mktemp("model") / "model"
    shutil.copytree(MODEL_DIR, model_dir)
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    mode = meta["modes"]["textcat"]
    mode["thresholds"]["disaster"] = SHARED
    mode["thresholds_by_lang"] = {"ar": {"disaster": ARABIC}}
    (model_dir / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    clf = load_classifier(Path(model_dir), use_embeddings=False)
    assert clf.model is not None and clf.model.mode == "textcat"
    return clf


def row(disaster: float) -> list[float]:
    return [disaster if label == "disaster" else 0.01 for label in LABELS]


def test_the_model_alone_meets_the_bar_of_the_message_language(with_arabic_bar: Classifier) -> None:
    between = (SHARED + ARABIC) / 2
    ar = with_arabic_bar._decide("الجو حلو اليوم", RuleResult(lang="ar"), row(between))
    en = with_arabic_bar._decide("nice weather today", RuleResult(lang="en"), row(between))
    assert "disaster" not in ar.labels
    assert "disaster" in en.labels
    assert "disaster" in with_arabic_bar._decide("الجو", RuleResult(lang="ar"), row(ARABIC)).labels


def test_a_lexicon_hit_still_labels_under_the_language_bar(with_arabic_bar: Classifier) -> None:
    res = with_arabic_bar.classify("السيل دخل البيت")
    assert res.lang == "ar"
    assert "disaster" in res.labels
