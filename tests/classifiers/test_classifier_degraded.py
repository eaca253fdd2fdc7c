"""A broken model never drops a message: the lexicon layer still classifies and flags."""

from __future__ import annotations

from pathlib import Path

import pytest

from classifiers import Classifier, load_classifier


def test_broken_model_dir_degrades_to_lexicon(lexicon_only: Classifier) -> None:
    res = lexicon_only.classify("زوجي يضربني الحين ساعدوني")
    assert res.degraded is True
    assert "domestic_violence" in res.labels
    assert res.urgency == "P1"
    assert res.model_version.startswith("lexicon-only")


def test_missing_model_dir_degrades(tmp_path: Path) -> None:
    clf = load_classifier(tmp_path / "nowhere")
    res = clf.classify("I want to kill myself tonight")
    assert res.degraded and "self_harm" in res.labels and res.urgency == "P1"


def test_model_raising_at_classify_time_degrades(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert classifier.model is not None, "the committed model must load"

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("model exploded")

    monkeypatch.setattr(classifier.model, "predict", boom)
    res = classifier.classify("my husband is beating me right now")
    assert res.degraded is True
    assert "domestic_violence" in res.labels
    assert res.urgency == "P1"


def test_committed_model_is_not_degraded(classifier: Classifier) -> None:
    res = classifier.classify("my husband is beating me right now")
    assert res.degraded is False
    assert res.model_version == classifier.version


def test_a_failing_rule_layer_falls_back_to_the_plain_lexicon_scan(tmp_path: Path) -> None:
    """Even spaCy failing does not drop a message: a substring scan of the lists (slots filled in) still labels
    and pages it."""
    clf = load_classifier(tmp_path / "nowhere")

    class Broken:
        def doc_for(self, text: str) -> None:
            raise RuntimeError("tokenizer gone")

    clf.rules = Broken()  # type: ignore[assignment]
    res = clf.classify("the neighbour locks the child in the storeroom")  # "locks {child} in"
    assert res.model_version.startswith("emergency-scan") and res.degraded
    assert res.labels == ("child_protection",) and res.urgency == "P2"
    assert clf.classify("when is the social security payment?").urgency == "none"
