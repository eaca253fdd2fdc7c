"""urgency.decide is a pure function over labels, scores and rule findings."""

from __future__ import annotations

from classifiers.rules import Hit, RuleResult
from classifiers.urgency import (
    QUIET_HEAD,
    SURE_HEAD,
    added_by_team_head,
    child_at_risk,
    danger_of_a_p1,
    decide,
    dropped_by_team_head,
    hold_back_when_quiet,
    promote,
    raise_by_heads,
    raise_by_team_label,
    raise_when_sure,
)

PAGE = {"self_harm": 0.8, "domestic_violence": 0.8, "child_protection": 0.8, "imminent_danger": 0.8}


def hit(label: str, first_person: bool = True) -> Hit:
    return Hit(label, 0, 4, "x", f"lexicon:{label}/ar", first_person)


def rules(*hits: Hit, **cues: bool) -> RuleResult:
    return RuleResult(hits=list(hits), cues={k: [(0, 1)] for k, on in cues.items() if on})


def test_nothing_is_none() -> None:
    assert decide((), {}, rules(), PAGE) == ("none", ())


def test_self_harm_disclosure_is_p1() -> None:
    assert decide(("self_harm",), {}, rules(hit("self_harm")), PAGE)[0] == "P1"


def test_violence_now_is_p1_otherwise_p2() -> None:
    assert decide(("domestic_violence",), {}, rules(hit("domestic_violence"), urgent=True), PAGE)[0] == "P1"
    assert decide(("domestic_violence",), {}, rules(hit("domestic_violence")), PAGE)[0] == "P2"


def test_past_harm_is_p3_even_for_imminent_words() -> None:
    r = rules(hit("imminent_danger"), past=True)
    urgency, reasons = decide(("imminent_danger",), {}, r, PAGE)
    assert urgency == "P3" and any(x.startswith("past") for x in reasons)


def test_model_alone_pages_only_above_the_paging_bar() -> None:
    assert decide(("domestic_violence",), {"domestic_violence": 0.6}, rules(), PAGE)[0] == "P3"
    assert decide(("domestic_violence",), {"domestic_violence": 0.9}, rules(), PAGE)[0] == "P2"


def test_the_model_alone_does_not_page_on_words_that_were_denied() -> None:
    """"My husband has never raised a hand to me, we argue about money": the model reads abuse (0.97), the lexicon
    reads a denied raised hand."""
    denied = Hit("domestic_violence", 0, 4, "x", "lexicon:domestic_violence/en", True, muted_by="negation")
    scores = {"domestic_violence": 0.97}
    assert decide(("domestic_violence",), scores, rules(denied), PAGE)[0] == "P3"
    # a word of abuse that counts beside the denied one still pages
    assert decide(("domestic_violence",), scores, rules(denied, hit("domestic_violence")), PAGE)[0] == "P2"


def test_an_everyday_subject_is_no_idiom_beside_abuse() -> None:
    """"my boss" is a hyperbole subject ("my boss is killing me"), and a domestic worker's employer."""
    scores = {"domestic_violence": 0.9, "self_harm": 0.9}
    r = rules(hyperbole=True, urgent=True, employer=True)
    assert decide(("domestic_violence",), scores, r, PAGE)[0] == "P1"
    assert decide(("self_harm",), scores, r, PAGE)[0] == "P3"  # "my boss is killing me, I want to die lol"
    # under the paging bar, a "now" does not lift it beside an everyday subject ("el 7ar ya8teel")
    assert decide(("domestic_violence",), {"domestic_violence": 0.7}, r, PAGE)[0] == "P3"


def test_the_model_alone_reads_no_abuse_into_heat_talk_with_nobody_named() -> None:
    """"el jaw el yom 7ar mot, ma 7ad ye6la3 mn el bait" (DV 0.98): an everyday subject, no lexicon hit, and no
    husband, relative or employer in the message."""
    scores = {"domestic_violence": 0.98}
    assert decide(("domestic_violence",), scores, rules(hyperbole=True), PAGE)[0] == "P3"
    assert decide(("domestic_violence",), scores, rules(hyperbole=True, family=True), PAGE)[0] == "P2"
    assert decide(("domestic_violence",), scores, rules(), PAGE)[0] == "P2"  # no idiom: the model stands


def test_disaster_report_is_p3_rescue_request_is_p1() -> None:
    assert decide(("disaster",), {}, rules(hit("disaster", first_person=False)), PAGE)[0] == "P3"
    r = rules(hit("disaster"), hit("imminent_danger"), urgent=True)
    assert decide(("disaster", "imminent_danger"), {}, r, PAGE)[0] == "P1"


def test_news_about_others_is_held_back() -> None:
    r = rules(hit("domestic_violence", first_person=False), news=True)
    assert decide(("domestic_violence",), {}, r, PAGE)[0] == "P3"


def test_news_holds_back_the_model_alone_even_on_imminent_danger() -> None:
    """A crime report scores high on the imminent_danger model; without a lexicon hit it is still news."""
    r = rules(hit("domestic_violence", first_person=False), news=True)
    labels = ("domestic_violence", "imminent_danger")
    assert decide(labels, {"imminent_danger": 0.9}, r, PAGE)[0] == "P3"
    assert decide(labels, {"imminent_danger": 0.9}, rules(), PAGE)[0] == "P1"


def test_a_child_protection_topic_beside_a_childs_age_pages() -> None:
    topic = Hit("child_protection", 0, 4, "x", "lexicon:child_protection/ar", False, topic=True)
    assert decide(("child_protection",), {}, rules(topic), PAGE)[0] == "P3"
    assert decide(("child_protection",), {}, rules(topic, minor=True), PAGE)[0] == "P2"
    assert decide(("child_protection",), {}, rules(topic, minor=True, service=True), PAGE)[0] == "P3"
    assert decide(("child_protection",), {}, rules(topic, minor=True, laugh=True), PAGE)[0] == "P3"


def test_a_news_marker_in_the_writers_own_story_does_not_make_it_a_report() -> None:
    """"the court says ..." in a long first-person complaint: the model's self-harm signal still pages."""
    scores = {"self_harm": 0.9}
    told = rules(news=True)
    own = rules(news=True)
    own.narrator = 6
    assert decide(("self_harm",), scores, told, PAGE)[0] == "P3"
    assert decide(("self_harm",), scores, own, PAGE)[0] == "P1"
    quoted = rules(quote=True)  # lyrics are sung in the first person: a quote stays a quote
    quoted.narrator = 6
    assert decide(("self_harm",), scores, quoted, PAGE)[0] == "P3"


def test_an_act_under_way_is_not_a_service_question() -> None:
    """"كيف اتواصل معكم؟ بنتي بلعت حبوب": the question is how to reach help for an overdose happening now."""
    labels = ("self_harm", "imminent_danger")
    third_person = rules(hit("self_harm", first_person=False), service=True)
    assert decide(labels, {}, third_person, PAGE)[0] == "P3"
    acting = rules(hit("self_harm", first_person=False), service=True, act=True)
    assert decide(labels, {}, acting, PAGE)[0] == "P1"


def test_a_service_question_holds_back_the_model_only_while_it_is_unsure() -> None:
    """"a broken pipe, who do I call" reads a little like danger to the model; "who do I call, there is a gas
    smell and my neighbour does not open" reads a lot like it. With the paging bar at 0.8, 0.9 is sure."""
    labels = ("imminent_danger",)
    assert decide(labels, {"imminent_danger": 0.85}, rules(service=True), PAGE)[0] == "P3"
    assert decide(labels, {"imminent_danger": 0.9}, rules(service=True), PAGE)[0] == "P1"
    # news is another matter: a crime report reads like danger however sure the model is
    assert decide(labels, {"imminent_danger": 0.99}, rules(news=True), PAGE)[0] == "P3"


def test_the_urgency_head_raises_a_p3_it_reads_as_urgent() -> None:
    """The label model is under its paging bar; the urgency head, over its own, pages P2 with its reason."""
    labels, scores = ("domestic_violence",), {"domestic_violence": 0.6}
    assert decide(labels, scores, rules(), PAGE, None, 0.9, 0.95)[0] == "P3"
    assert decide(labels, scores, rules(), PAGE, None, None, 0.95)[0] == "P3"
    urgency, reasons = decide(labels, scores, rules(), PAGE, None, 0.97, 0.95)
    assert urgency == "P2" and reasons[-1].startswith("urgency head")


def test_the_urgency_head_never_overrides_a_context_finding() -> None:
    labels, scores = ("self_harm",), {"self_harm": 0.6}
    for cue in ("hyperbole", "laugh", "past", "service", "news", "quote", "bystander"):
        assert decide(labels, scores, rules(**{cue: True}), PAGE, None, 0.99, 0.95)[0] == "P3", cue
    denied = Hit("self_harm", 0, 4, "x", "lexicon:self_harm/en", True, "negation")
    assert decide(labels, scores, rules(denied), PAGE, None, 0.99, 0.95)[0] == "P3"


def test_child_protection_with_a_time_soon_is_p1() -> None:
    """The next lesson, the pick-up from school, the wedding next week: the child meets the abuser within hours."""
    cp = ("child_protection",)
    assert decide(cp, {}, rules(hit("child_protection")), PAGE)[0] == "P2"
    assert decide(cp, {}, rules(hit("child_protection"), soon=True), PAGE)[0] == "P1"
    # checked before a partner's abuse returns P2 for the same message
    both = ("domestic_violence", "child_protection")
    r = rules(hit("domestic_violence"), hit("child_protection"), soon=True)
    assert decide(both, {}, r, PAGE)[0] == "P1"
    # a time alone does not make a partner's abuse P1
    assert decide(("domestic_violence",), {}, rules(hit("domestic_violence"), soon=True), PAGE)[0] == "P2"


def test_the_model_alone_does_not_page_abuse_the_writer_denies() -> None:
    """"no violence at all, but we need counselling": domestic violence 0.97 from the model, nothing from the lists."""
    dv = ("domestic_violence",)
    assert decide(dv, {"domestic_violence": 0.97}, rules(), PAGE)[0] == "P2"
    assert decide(dv, {"domestic_violence": 0.97}, rules(denial=True), PAGE)[0] == "P3"
    # the lists still page a beating told beside the denial
    assert decide(dv, {}, rules(hit("domestic_violence"), denial=True), PAGE)[0] == "P2"


def test_a_now_beside_a_story_does_not_back_the_model_alone() -> None:
    """"a scary story about a man who kidnaps kids, now he won't sleep alone": 0.70 and a "now" page only outside a
    story or a news item."""
    dv = ("domestic_violence",)
    assert decide(dv, {"domestic_violence": 0.7}, rules(urgent=True), PAGE)[0] == "P1"
    assert decide(dv, {"domestic_violence": 0.7}, rules(urgent=True, quote=True), PAGE)[0] == "P3"


def test_a_first_person_topic_word_beside_a_method_pages() -> None:
    """"انا مش قادرة اكمل، جبت سم فيران": "I can't go on" is a topic word (also said of studies and jobs); beside a
    method, from the writer, it is a disclosure with a plan."""
    sh = ("self_harm",)
    mine = Hit("self_harm", 0, 4, "x", "lexicon:self_harm/ar", True, topic=True)
    a_subject = Hit("self_harm", 0, 4, "x", "lexicon:self_harm/ar", False, topic=True)
    low = {"self_harm": 0.1}  # the model hardly reads self-harm, under its bar for a plan to back it
    bars = {"self_harm": 0.5}
    assert decide(sh, low, rules(mine, plan=True), PAGE, bars)[0] == "P1"
    assert decide(sh, low, rules(mine), PAGE, bars)[0] == "P3"  # "ما اقدر اكمل دراستي": no method
    assert decide(sh, low, rules(a_subject, plan=True), PAGE, bars)[0] == "P3"  # "signs of suicide ... pills"
    assert decide(sh, low, rules(mine, plan=True, hyperbole=True), PAGE, bars)[0] == "P3"


def test_a_disaster_with_someone_who_cannot_get_out_is_p1() -> None:
    """"the water is in the hall, and my father cannot walk": no "now" is said."""
    d = ("disaster",)
    ours = RuleResult(
        hits=[hit("disaster", first_person=False)], cues={"helpless": [(0, 1)], "family": [(0, 1)]}
    )
    assert decide(d, {}, ours, PAGE)[0] == "P1"
    # nobody of the writer's: "floods abroad strand elderly who cannot walk"
    assert decide(d, {}, rules(hit("disaster", first_person=False), helpless=True), PAGE)[0] == "P3"
    assert decide(d, {}, rules(hit("disaster"), helpless=True, news=True), PAGE)[0] == "P3"


def test_the_p1_head_only_makes_a_p2_a_p1() -> None:
    assert promote("P2", ("x",), 0.9, 0.6) == ("P1", ("x", "P1 head: reads like the team's P1 messages (0.90)"))
    assert promote("P2", ("x",), 0.5, 0.6) == ("P2", ("x",))
    assert promote("P3", ("x",), 0.99, 0.6) == ("P3", ("x",))  # never pages what decide did not
    assert promote("none", (), 0.99, 0.6) == ("none", ())
    assert promote("P2", ("x",), None, 0.6) == ("P2", ("x",))  # no head (lexicon only, or an older model)


def test_both_heads_page_a_queued_message_as_p1() -> None:
    raised = raise_by_heads("P3", ("x",), ("x",), 0.9, 0.6, rules())
    assert raised == ("P1", ("x", "both heads: reads like the team's P1 messages (P1 0.90, urgent 0.60)"))
    assert raise_by_heads("P3", ("x",), ("x",), 0.8, 0.9, rules())[0] == "P3"  # the P1 head is not sure
    assert raise_by_heads("P3", ("x",), ("x",), 0.9, 0.4, rules())[0] == "P3"  # the urgency head disagrees
    assert raise_by_heads("P3", ("x",), ("x",), None, None, rules())[0] == "P3"  # lexicon only: no heads
    for urgency in ("none", "P2", "P1"):  # nothing to raise, or already paged (promote's business)
        assert raise_by_heads(urgency, (), ("x",), 0.99, 0.99, rules())[0] == urgency


def test_both_heads_do_not_page_laughter_what_is_over_or_a_bystander() -> None:
    """"the cake burnt and the kitchen filled with smoke 😂", "thank you for the rescue two years ago"."""
    assert raise_by_heads("P3", (), ("x",), 0.99, 0.99, rules(laugh=True))[0] == "P3"
    assert raise_by_heads("P3", (), ("x",), 0.99, 0.99, rules(bystander=True))[0] == "P3"
    assert raise_by_heads("P3", (), ("x",), 0.99, 0.99, rules(past=True))[0] == "P3"
    # "he has hit me for years" with a "now": the past cue dates the start, not the end
    assert raise_by_heads("P3", (), ("x",), 0.99, 0.99, rules(past=True, urgent=True))[0] == "P1"
    assert raise_by_heads("P3", (), ("x",), 0.99, 0.99, rules(past=True, ongoing=True))[0] == "P1"


def test_both_heads_do_not_page_weather_talk() -> None:
    """"I nearly fainted from the heat waiting outside your office, please add shade": a disaster reading beside
    an everyday subject; with another label, or a "now", the heat is the danger (a worker collapsed on a site)."""
    heat = rules(hyperbole=True)
    assert raise_by_heads("P3", (), ("disaster",), 0.99, 0.99, heat)[0] == "P3"
    assert raise_by_heads("P3", (), ("imminent_danger", "disaster"), 0.99, 0.99, heat)[0] == "P1"
    assert raise_by_heads("P3", (), ("disaster",), 0.99, 0.99, rules(hyperbole=True, urgent=True))[0] == "P1"
    assert raise_by_heads("P3", (), ("disaster",), 0.99, 0.99, rules())[0] == "P1"


def test_a_cleared_worry_does_not_let_a_now_back_the_model() -> None:
    """"turns out the screaming was their toddler's tantrums ... everything's fine": 0.7 abuse and a "now"."""
    dv = ("domestic_violence",)
    bars = {"domestic_violence": 0.6}
    assert decide(dv, {"domestic_violence": 0.7}, rules(urgent=True), PAGE, bars)[0] == "P1"
    assert decide(dv, {"domestic_violence": 0.7}, rules(urgent=True, denial=True), PAGE, bars)[0] == "P3"


def test_a_named_child_the_urgency_head_is_sure_of_pages() -> None:
    assert child_at_risk("P3", 0.4, 0.95, rules(minor=True))
    assert child_at_risk("none", 0.4, 0.95, rules(minor=True))  # under the label bar: the label is added
    assert not child_at_risk("P3", 0.4, 0.95, rules())  # no child named
    assert not child_at_risk("P3", 0.2, 0.95, rules(minor=True))  # the label model reads no child at risk
    assert not child_at_risk("P3", 0.4, 0.8, rules(minor=True))  # the urgency head is not sure
    assert not child_at_risk("P3", 0.4, None, rules(minor=True))  # lexicon only
    assert not child_at_risk("P2", 0.4, 0.95, rules(minor=True))  # already paged


def test_a_named_child_is_not_paged_beside_what_explains_it() -> None:
    """"no one hits him, I want advice on my stubborn teenager", "my son of 15 smokes, how do I deal with it"."""
    for cue in ("laugh", "bystander", "denial", "past", "service"):
        assert not child_at_risk("P3", 0.5, 0.99, rules(minor=True, **{cue: True})), cue
    assert child_at_risk("P3", 0.5, 0.99, rules(minor=True, service=True, urgent=True))  # "where do I report, now"
    assert child_at_risk("P3", 0.5, 0.99, rules(minor=True, past=True, ongoing=True))



def test_a_drill_holds_paging_back_unless_someone_needs_help_now() -> None:
    r = rules(hit("imminent_danger"), drill=True)
    assert decide(("imminent_danger",), {}, r, PAGE)[0] == "P3"
    assert decide(("imminent_danger",), {}, rules(hit("imminent_danger"), drill=True, urgent=True), PAGE)[0] == "P1"
    assert decide(("self_harm",), {}, rules(hit("self_harm"), drill=True, act=True), PAGE)[0] == "P1"
    # nor do the heads page it
    assert raise_by_heads("P3", (), ("imminent_danger",), 0.99, 0.99, r)[0] == "P3"


def test_the_child_rule_does_not_read_a_news_item_as_a_child_at_risk() -> None:
    news = RuleResult(hits=[], cues={"minor": [(0, 1)], "news": [(0, 1)]})
    assert not child_at_risk("P3", 0.6, 0.95, news)
    assert child_at_risk("P3", 0.6, 0.95, RuleResult(hits=[], cues={"minor": [(0, 1)]}))


def test_the_sure_urgency_head_pages_past_a_service_question_or_an_everyday_subject() -> None:
    """A housing-allowance complaint that ends in a mother locked in her room without water is a `service`
    question to the lists, and "the heat is killing us" beside it an everyday subject; past its sure bar the
    urgency head pages it P2 (promote may make it P1), and a message with no label at all too."""
    for cues in ({"service": True}, {"hyperbole": True}, {}):
        urgency, reasons = raise_when_sure("P3", ("x",), 0.99, 0.97, rules(**cues))
        assert urgency == "P2" and reasons == ("x", f"{SURE_HEAD}: reads like the team's urgent messages (0.99)")
    assert raise_when_sure("none", (), 0.99, 0.97, rules())[0] == "P2"
    assert raise_when_sure("P3", (), 0.96, 0.97, rules())[0] == "P3"  # under the sure bar
    assert raise_when_sure("P3", (), None, 0.97, rules())[0] == "P3"  # lexicon only: no head
    for paged in ("P1", "P2"):
        assert raise_when_sure(paged, ("x",), 0.99, 0.97, rules()) == (paged, ("x",))


def test_the_sure_urgency_head_does_not_page_what_it_confuses_with_urgency() -> None:
    """Laughter, what is over, a bystander's prayer, a drill, news, a quote, a denial: however sure the head is."""
    for cue in ("laugh", "past", "bystander", "drill", "news", "quote", "denial"):
        assert raise_when_sure("P3", (), 0.999, 0.97, rules(**{cue: True}))[0] == "P3", cue
    for why in ("negation", "hyperbole"):  # "he never hit me", "ابوي بيذبحني لو ما رتبت غرفتي"
        muted = Hit("domestic_violence", 0, 4, "x", "lexicon:domestic_violence/ar", True, why)
        assert raise_when_sure("P3", (), 0.999, 0.97, rules(muted))[0] == "P3", why
    # "for years he has locked her in, and today again": the past cue dates the start, not the end
    assert raise_when_sure("P3", (), 0.999, 0.97, rules(past=True, urgent=True))[0] == "P2"


def test_a_page_the_urgency_head_reads_as_quiet_is_queued() -> None:
    """"Just read about a toddler forgotten in a hot car in Texas": the lists page it; the head scores it near
    zero, under its quiet bar, and the case is queued P3 with the reason."""
    reported = hit("imminent_danger", first_person=False)
    urgency, reasons = hold_back_when_quiet("P1", ("x",), 0.004, 0.03, rules(reported))
    assert urgency == "P3" and reasons[0] == "x" and reasons[-1].startswith(QUIET_HEAD)
    assert hold_back_when_quiet("P2", (), 0.004, 0.03, rules())[0] == "P3"
    assert hold_back_when_quiet("P1", ("x",), 0.05, 0.03, rules()) == ("P1", ("x",))  # over the quiet bar
    assert hold_back_when_quiet("P1", ("x",), None, 0.03, rules()) == ("P1", ("x",))  # lexicon only: no head
    for queued in ("P3", "none"):
        assert hold_back_when_quiet(queued, (), 0.0, 0.03, rules()) == (queued, ())


def test_the_quiet_head_never_holds_back_the_writers_own_danger() -> None:
    """"ساعدوني السيل جرفنا 0" (0.02), "والله العظيم بذبح نفسي اذا رجعوني له" (0.007 out of fold): on short
    messages the head is unreliable, and a writer's own danger in the lists' words is never held back."""
    for label in ("imminent_danger", "self_harm", "domestic_violence", "disaster"):
        assert hold_back_when_quiet("P1", (), 0.001, 0.03, rules(hit(label)))[0] == "P1", label
    # a figure of speech muted by the lists is no such disclosure: "the rent will kill me"
    muted = Hit("imminent_danger", 0, 4, "x", "lexicon:imminent_danger/en", True, "hyperbole")
    assert hold_back_when_quiet("P1", (), 0.001, 0.03, rules(muted))[0] == "P3"


def test_the_quiet_head_never_holds_back_a_named_child_in_a_child_protection_matter() -> None:
    """A teacher: "round burns on her hand, she says her father does it ... what procedure do I follow?" (0.02)."""
    child = hit("child_protection", first_person=False)
    assert hold_back_when_quiet("P2", (), 0.001, 0.03, rules(child, minor=True))[0] == "P2"
    assert hold_back_when_quiet("P2", (), 0.001, 0.03, rules(child))[0] == "P3"  # no child named
    assert hold_back_when_quiet("P2", (), 0.001, 0.03, rules(minor=True))[0] == "P3"  # a child, no such words


def test_the_team_label_head_adds_a_label_only_where_the_urgency_head_reads_a_need() -> None:
    """A toddler shut in a car: child protection from the team's head (0.97 over its 0.88), the urgency head at
    0.9. A parent's question giving a child's age scores as high on the team's head, but the urgency head reads
    no need; a label already there, under its bar, or whose own words are negated is not added."""
    bars = {"child_protection": 0.88, "imminent_danger": 0.89}
    team = {"child_protection": 0.97, "imminent_danger": 0.5}
    assert added_by_team_head(["imminent_danger"], team, bars, 0.9, rules()) == ["child_protection"]
    assert added_by_team_head([], team, bars, 0.2, rules()) == []  # "my son is 10 and wants a phone"
    assert added_by_team_head([], team, bars, None, rules()) == []  # lexicon only: no heads
    assert added_by_team_head(["child_protection"], team, bars, 0.9, rules()) == []
    assert added_by_team_head([], team, {}, 0.9, rules()) == []  # no bar: an older head file
    denied = Hit("child_protection", 0, 4, "x", "lexicon:child_protection/en", True, "negation")
    assert added_by_team_head([], team, bars, 0.9, rules(denied)) == []


def test_a_p1_the_team_head_reads_as_danger_is_labelled_imminent_danger() -> None:
    """A beating under way paged P1 on the abuse words alone: the team labels it imminent danger too. Not a P2,
    nor a P1 the team's label head reads no danger in (a P2 the P1 head promoted), nor one already labelled."""
    assert danger_of_a_p1("P1", ("domestic_violence",), {"imminent_danger": 0.8})
    assert not danger_of_a_p1("P2", ("domestic_violence",), {"imminent_danger": 0.8})
    assert not danger_of_a_p1("P1", ("domestic_violence",), {"imminent_danger": 0.3})
    assert not danger_of_a_p1("P1", ("domestic_violence", "imminent_danger"), {"imminent_danger": 0.8})
    assert not danger_of_a_p1("P1", ("domestic_violence",), {})  # lexicon only: no heads


def test_the_team_head_swaps_a_label_only_the_label_model_gave() -> None:
    """A farewell with saved pills the label model read as domestic violence: the team's head reads none, and
    reads self-harm past its bar, so the label goes (self-harm stays). Never a label a list named, never without
    another label the head reads, never without a drop bar, never imminent danger."""
    team = {"self_harm": 0.9, "domestic_violence": 0.02, "imminent_danger": 0.1}
    bars = {"self_harm": 0.2, "domestic_violence": 0.1, "imminent_danger": 0.5}
    add = {"self_harm": 0.8, "domestic_violence": 0.8, "imminent_danger": 0.8}
    both = ("self_harm", "domestic_violence")
    assert dropped_by_team_head(both, team, bars, add, ["domestic_violence"]) == ["domestic_violence"]
    assert dropped_by_team_head(both, team, bars, add, []) == []  # a list named it
    assert dropped_by_team_head(("domestic_violence",), team, bars, add, ["domestic_violence"]) == []
    assert dropped_by_team_head(both, team, {}, add, ["domestic_violence"]) == []  # an older head file
    assert dropped_by_team_head(both, {"self_harm": 0.9, "domestic_violence": 0.5}, bars, add, both) == []
    # a public post of abuse: the other label is one the team's head does not read either
    assert dropped_by_team_head(both, {"self_harm": 0.5, "domestic_violence": 0.02}, bars, add, both) == []
    danger = ("domestic_violence", "imminent_danger")
    assert dropped_by_team_head(danger, team, bars, add, danger) == []  # danger is never taken off, nor reads


def test_a_p3_the_team_label_head_reads_well_past_its_bar_pages_p2() -> None:
    """Pills saved in a sock "not tonight": labelled self-harm, queued P3 under the label model's paging bar; the
    team's label head reads it well past its bar and the urgency head a need. Not under the margin, not without
    the urgency head, not a disaster label, not what is over or explained away, never a P1 or P2 touched."""
    bars = {"self_harm": 0.75, "disaster": 0.8}
    team = {"self_harm": 0.9, "disaster": 0.95}
    urgency, reasons = raise_by_team_label("P3", (), ("self_harm",), team, bars, 0.6, rules())
    assert urgency == "P2" and reasons[-1].startswith("team label head: self_harm")
    assert raise_by_team_label("P3", (), ("self_harm",), {"self_harm": 0.82}, bars, 0.6, rules())[0] == "P3"
    assert raise_by_team_label("P3", (), ("self_harm",), team, bars, 0.3, rules())[0] == "P3"
    assert raise_by_team_label("P3", (), ("self_harm",), team, bars, None, rules())[0] == "P3"
    assert raise_by_team_label("P3", (), ("disaster",), team, bars, 0.9, rules())[0] == "P3"
    assert raise_by_team_label("P3", (), ("self_harm",), team, {}, 0.9, rules())[0] == "P3"  # no bars
    assert raise_by_team_label("P3", (), ("self_harm",), team, bars, 0.9, rules(past=True))[0] == "P3"
    denied = Hit("self_harm", 0, 4, "x", "lexicon:self_harm/en", True, "negation")
    assert raise_by_team_label("P3", (), ("self_harm",), team, bars, 0.9, rules(denied))[0] == "P3"
    assert raise_by_team_label("none", (), (), team, bars, 0.9, rules())[0] == "none"
    assert raise_by_team_label("P1", (), ("self_harm",), team, bars, 0.9, rules())[0] == "P1"


def test_a_disaster_nobody_was_hurt_in_is_no_rescue() -> None:
    """Last month's rain took down part of our wall, thank God nobody was hurt: our own house (a first-person
    disaster word) and "now" no longer make a rescue; a danger the lists name still pages, as does abuse."""
    damage = Hit("disaster", 0, 4, "x", "lexicon:disaster/ar", True)
    assert decide(("disaster",), {}, rules(damage, urgent=True), PAGE)[0] == "P1"
    assert decide(("disaster",), {}, rules(damage, urgent=True, unhurt=True), PAGE)[0] == "P3"
    trapped = hit("imminent_danger")
    assert decide(("imminent_danger", "disaster"), {}, rules(damage, trapped, unhurt=True), PAGE)[0] == "P1"
    # the urgency head does not page it either
    assert decide(("disaster",), {}, rules(damage, unhurt=True), PAGE, urgent=0.99, urgent_bar=0.9)[0] == "P3"
    beaten = hit("domestic_violence")
    assert decide(("domestic_violence", "disaster"), {}, rules(damage, beaten, unhurt=True), PAGE)[0] in ("P1", "P2")
