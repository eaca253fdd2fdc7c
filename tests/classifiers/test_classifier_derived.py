"""Gap words in lexicon entries, labels derived from context, and idioms that keep the model from paging."""

from __future__ import annotations

import pytest

from classifiers import Classifier
from classifiers.pipeline import derived_labels
from classifiers.rules import RuleResult


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("فيه طفل صغير متروك عند الباب", "child_protection"),  # "طفل ? متروك": one word in between
        ("بلعت شريط الحبوب", "self_harm"),
    ],
)
def test_gap_entry_matches_a_word_in_between(lexicon_only: Classifier, text: str, label: str) -> None:
    assert label in lexicon_only.classify(text).labels


def test_gap_entry_does_not_match_two_words_in_between(lexicon_only: Classifier) -> None:
    assert "child_protection" not in lexicon_only.classify("طفل في الصف الثاني متروك").labels


def test_abuse_happening_now_is_also_imminent(lexicon_only: Classifier) -> None:
    res = lexicon_only.classify("ابوي يضربني الحين")
    assert {"domestic_violence", "imminent_danger"} <= set(res.labels)
    assert res.urgency == "P1"
    assert any(e.source == "rule:urgent" and e.label == "imminent_danger" for e in res.evidence)


def test_abuse_that_is_over_is_not_made_imminent(lexicon_only: Classifier) -> None:
    assert "imminent_danger" not in lexicon_only.classify("كان يضربني زمان، الحين الحمدلله").labels


def test_kill_threat_from_a_husband_is_domestic_violence(lexicon_only: Classifier) -> None:
    res = lexicon_only.classify("زوجي بيقتلني الليلة")
    assert {"domestic_violence", "imminent_danger"} <= set(res.labels)


def test_kill_threat_from_a_sponsor_is_not_domestic_violence(lexicon_only: Classifier) -> None:
    res = lexicon_only.classify("كفيلي بيقتلني اذا هربت")
    assert "imminent_danger" in res.labels
    assert "domestic_violence" not in res.labels


def test_self_harm_act_under_way_is_imminent(lexicon_only: Classifier) -> None:
    res = lexicon_only.classify("بلعت حبوب كثير وراسي يدور")
    assert {"self_harm", "imminent_danger"} <= set(res.labels)


@pytest.mark.parametrize(
    "text", ["I would die for a karak right now", "اللهم احفظنا من السيول", "ابغى اتطوع مع فرق الانقاذ"]
)
def test_idioms_prayers_and_volunteers_do_not_page(classifier: Classifier, text: str) -> None:
    res = classifier.classify(text)
    assert res.urgency in ("P3", "none")


def test_family_left_homeless_by_a_flood_pages_within_hours(lexicon_only: Classifier) -> None:
    res = lexicon_only.classify("السيل دمر بيتنا وصرنا بدون مأوى")
    assert res.labels == ("disaster",)
    assert res.urgency == "P2"


def test_someone_who_cannot_get_out_with_no_power_is_in_danger() -> None:
    cues = {"helpless": [(0, 1)], "exposed": [(2, 3)]}
    assert derived_labels([], RuleResult(hits=[], cues=cues)) == [("imminent_danger", "exposed", ())]
    assert derived_labels([], RuleResult(hits=[], cues={"exposed": [(2, 3)]})) == []
