"""Urgency: a pure decision over labels, rule hits and context cues.

P1  life at risk now          (pages, escalates until acknowledged)
P2  serious disclosure        (pages; act within hours)
P3  sensitive, not urgent     (queued for a social worker, no page)
none                          nothing for the ministry's protection teams

Recall first: whenever P1 and P2 are both defensible we say P1 (both page; only a miss is unrecoverable).
What keeps the false-page rate down is the context rules (negation, hyperbole, news, quotes, past, service
questions) and the model's higher bar for paging on its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from classifiers.rules import FIGURATIVE_LABELS, RuleResult

NARRATOR_OWN_STORY = 4  # first-person pronouns that make a message with a news marker the writer's own story
URGENCY_HEAD = "urgency head"
NO_BAR = 1.01  # the urgency head's bar when there is no head: no probability reaches it
MEETS_SOON = "child_protection: the child meets the abuser again soon"
P1_HEAD = "P1 head"
BOTH_HEADS = "both heads"
# The bars at which the two heads together page a message `decide` queued P3 (`raise_by_heads`). Chosen for the
# committed heads on the measure-only sets (heldback + probe26..79, 2,216 rows the heads never trained on): of 93
# urgent messages queued, 23 paged (17 of them P1) for one more false page in 965 (two before the weather-talk
# exception); 18 of 6,000 public messages with no label. The P1 head alone at 0.85 would page 12 of the 965 and
# 64 of the 6,000: the urgency head, which learnt from public messages too, is what keeps those out.
# Kept for the heads refitted on probe26..99 too (2026-12-02): on those batches' out-of-fold scores 0.8 would
# page 2 more of 1,496 urgent messages and 0.75 six, the latter for four more false pages in 1,800 public ones.
RAISE_LIFE_BAR = 0.85
RAISE_URGENT_BAR = 0.5
# A child named, a child-protection reading under the label bar and the urgency head sure (`child_at_risk`).
# Chosen the same way on the measure-only sets with batches 82-89 (2,376 rows): 10 more urgent messages of 87
# missed, one more false page; no P3 message paged.
CHILD_MODEL_BAR = 0.3
CHILD_URGENT_BAR = 0.9
CHILD_AT_RISK = "child_protection: a child named, and the label model and the urgency head read a child at risk"
DRILL = "drill: an exercise or drill, nobody said to be in danger"
SURE_HEAD = "urgency head, sure"
# The urgency head's reading the team's label head needs beside it (`added_by_team_head`).
TEAM_LABEL_URGENT = 0.5
# The team label head's imminent-danger reading that makes a P1 imminent danger (`danger_of_a_p1`).
P1_DANGER_BAR = 0.5
QUIET_HEAD = "urgency head, quiet"
# A P3 the team's label head reads well past its bar, beside the urgency head, pages P2 (`raise_by_team_label`).
# Chosen on probe136..143 and the held-back set (376 rows the heads never trained on): of the messages not paged,
# at margin 0.1 and urgency 0.5 two needing someone within hours and no P3 or quiet message; at 0.05 five, but
# two of the regression sample's hard negatives paged (a letter left at a reception desk, self-harm 0.075 past
# its bar; a custody question giving a girl's age, child protection 0.056 past); at margin 0 three quiet ones.
TEAM_HEAD = "team label head"
TEAM_RAISE_MARGIN = 0.1
TEAM_RAISE_URGENT = 0.5
# The labels the team's label head may take off (`dropped_by_team_head`). With disaster too, on probe136..143 (320
# rows the heads never trained on): two true disaster labels lost (a sewage tank, a gas leak), one wrong one gone.
SWAPPABLE = ("self_harm", "domestic_violence", "child_protection")


def decide(
    labels: tuple[str, ...],
    scores: Mapping[str, float],
    rules: RuleResult,
    page_thresholds: Mapping[str, float],
    context_bars: Mapping[str, float] | None = None,
    urgent: float | None = None,
    urgent_bar: float = NO_BAR,
) -> tuple[str, tuple[str, ...]]:
    """Return (urgency, reasons). `labels` are the labels that fired after rules and model were combined.

    `context_bars`: the model score a label needs before a "now" or a plan cue can make it page (the label
    thresholds are set for recall, so a bare label-threshold signal plus an everyday "الحين" is not enough).
    `urgent`: the urgency head's probability (classifiers/urgency_head.py) and `urgent_bar` its bar."""
    if not labels:
        return "none", ()
    if staged(rules):
        return "P3", (DRILL,)
    reasons: list[str] = []
    now = _now(rules)
    figurative = rules.has("hyperbole") or rules.has("laugh")
    plan = rules.has("plan")
    past = _over(rules)
    # Fear alone does not undo a service question: in "how do I report it for a friend who is afraid to call"
    # the fear is the friend's. Only a "now" (rescue, bleeding, right now) does.
    # Nor is it a question about services when an act is under way ("كيف اتواصل معكم؟ بنتي بلعت حبوب وما تصحى").
    service = rules.has("service") and not rules.has("urgent") and not rules.has("act")
    # News markers in a message where the writer speaks of themself again and again ("I am writing about my
    # father's estate, the court says ... I have decided this is my last week") are their own story, not a report.
    news = rules.has("news") and rules.narrator < NARRATOR_OWN_STORY
    reported = (news or rules.has("quote")) and not now
    joking = rules.has("laugh") and not now
    abuser_named = rules.has("family") or rules.has("employer")

    def by_rule(label: str) -> bool:
        return any(not h.topic for h in rules.active(label))

    def first_person(label: str) -> bool:
        return any(h.first_person for h in rules.active(label))

    def denied(label: str) -> bool:
        """The writer says there is no abuse, and only the model reads it (`denial` cue)."""
        return label in ("domestic_violence", "child_protection") and rules.has("denial") and not by_rule(label)

    def idiom(label: str) -> bool:
        """An everyday subject or laughter beside a label whose words are used figuratively ("killing me", "I
        want to die", a flood of emails). A beating is never a figure of speech: "my boss" beside a domestic
        worker's disclosure is her employer, not an idiom; but with no husband, relative or employer named, the
        model's reading of abuse in heat talk is the idiom ("el jaw el yom 7ar mot, ma 7ad ye6la3 mn el bait":
        domestic violence 0.98)."""
        if label == "domestic_violence":
            return figurative and not abuser_named
        return figurative and label in FIGURATIVE_LABELS

    def pages_alone(label: str) -> bool:
        """The model alone pages only above its stricter paging threshold, and not beside an idiom: with an
        everyday subject or laughter in the message ("el 7ar ythba7", "الله ياخذ هالزحمه") and no lexicon hit
        for the label, a high model score is the figure of speech talking."""
        if idiom(label) and not by_rule(label):
            return False
        if denied(label):
            return False  # "no violence at all, but we need counselling": the model reads abuse into the denial
        if rules.muted(label) and not rules.active(label):
            return False  # the label's own words are denied or reported ("he has never raised a hand to me")
        return scores.get(label, 0.0) >= page_thresholds.get(label, 1.0)

    def backed_by_context(label: str) -> bool:
        """A model signal over the label threshold plus a plan or a "now" is enough to page."""
        if figurative:
            # "I would die for a karak right now": an idiom, not a plan; and a model merely over its label bar
            # beside "the heat" is not enough even for abuse ("el 7ar ya8teel": 0.95 domestic violence)
            return False
        if rules.muted(label) and not rules.active(label):
            return False  # the label's own words were explained away (news, quote, negation, idiom)
        if rules.has("quote") or news:
            return False  # "a scary story about a man who kidnaps kids, now he won't sleep alone": a story's "now"
        if denied(label):
            return False  # "turns out the screaming was a toddler's tantrum": the worry was checked and cleared
        if context_bars is not None and scores.get(label, 0.0) < context_bars.get(label, 0.0):
            return False
        return plan or now if label == "self_harm" else now

    def told_with_method(label: str) -> bool:
        """A first-person topic word for self-harm ("انا مش قادره اكمل") beside a method or plan ("جبت سم فيران",
        "pills", "tonight") is a disclosure with a plan, whatever the model makes of it."""
        return (
            label == "self_harm" and plan and not figurative and not reported
            and any(h.topic and h.first_person for h in rules.active(label))
        )

    def strong(label: str) -> bool:
        return label in labels and (
            by_rule(label) or pages_alone(label) or backed_by_context(label) or told_with_method(label)
        )

    if past:
        reasons.append("past: the harm described is over")
    if service and not any(first_person(lb) for lb in labels):
        reasons.append("service: a question about services, no disclosure")
    if reported and not any(first_person(lb) for lb in labels):
        reasons.append("reported: news, retweet or quotation about others")
    # Any of these context findings holds paging back, unless someone is in danger right now: said in words the
    # lexicon knows, or seen by the model in a message that is neither about a service ("the branch has been shut
    # since 12" is not someone locked in) nor news (a crime report reads like danger to the model).
    # A model far over its paging bar is not a service question's words: "who do I call, there is a gas smell
    # and my neighbour is not answering the door" (0.79) is a rescue, "a broken pipe, who do I call" (0.53) is not.
    sure = scores.get("imminent_danger", 0.0) >= (1.0 + page_thresholds.get("imminent_danger", 1.0)) / 2
    danger_now = strong("imminent_danger") and (
        by_rule("imminent_danger") or not (reported or (rules.has("service") and not sure))
    )
    elsewhere = rules.has("news") or rules.has("bystander")  # floods abroad leave others homeless
    # "the water is in the hall, and my father cannot walk": no "now" is said, none is needed. The writer's own
    # people ("my", "ابوي"): "floods abroad strand elderly who cannot walk" is a report.
    ours = rules.narrator > 0 or rules.has("family") or _asks_for_rescue(rules)
    # Someone who cannot get out alone, in a disaster or with no power or cooling in the heat (`exposed`: "he's
    # bedridden ... they cut the power ... it's 46 degrees"), told by their own people or a witness. Nor is that a
    # service question: "Who do I call?? she can't stand, the AC is off".
    caught = ("disaster" in labels and bool(rules.active("disaster"))) or (
        "imminent_danger" in labels and rules.has("exposed")
    )
    stranded = caught and rules.has("helpless") and ours and not elsewhere and not aftermath(rules)
    if reasons and (past or not (danger_now or stranded)):
        return "P3", tuple(reasons)

    if strong("imminent_danger"):
        reasons.append("imminent_danger: a threat to life or safety right now")
        return "P1", tuple(reasons)
    if strong("self_harm"):
        why = "self_harm: intent or act of self-harm"
        if plan or now:
            why += " with a method, plan or time"
        reasons.append(why)
        return "P1", tuple(reasons)
    for label in ("domestic_violence", "child_protection"):
        if strong(label) and joking:
            reasons.append(f"{label}: disclosure written with laughter; queued, not paged")
            return "P3", tuple(reasons)
        if strong(label):
            if now:
                reasons.append(f"{label}: disclosure, happening now")
                return "P1", tuple(reasons)
            # "the next lesson is tomorrow", "he will pick her up from school tomorrow": the child is with the
            # abuser again within hours; as urgent as abuse under way
            if strong("child_protection") and rules.has("soon"):
                reasons.append(MEETS_SOON)
                return "P1", tuple(reasons)
            reasons.append(f"{label}: serious disclosure")
            return "P2", tuple(reasons)
    if "disaster" in labels and now and _asks_for_rescue(rules) and not aftermath(rules):
        reasons.append("disaster: someone asks for rescue now")
        return "P1", tuple(reasons)
    if stranded:
        reasons.append("someone who cannot get out alone, in a disaster or with no power or cooling")
        return "P1", tuple(reasons)
    # A topic word alone ("suicide", "marrying her off") does not page; beside a named child or a child's age,
    # and not written laughing, it is a disclosure about that child.
    for label, why in (
        ("self_harm", "a parent or teacher reports a child's risk"),
        ("child_protection", "a named child in a child-protection matter"),
    ):
        if label in labels and rules.active(label) and rules.has("minor") and not joking:
            reasons.append(f"{label}: {why}")
            if label == "child_protection" and rules.has("soon"):  # "to marry her to his cousin next week"
                reasons.append(MEETS_SOON)
                return "P1", tuple(reasons)
            if label == "child_protection" and now:  # "fresh buckle marks ... the bus leaves in 25 minutes, now"
                reasons.append("child_protection: happening now")
                return "P1", tuple(reasons)
            return "P2", tuple(reasons)
    # Warning signs together (things given away, a pet handed over, a letter left), from someone who is neither
    # joking nor reporting news: each alone is a topic word ("she gave her cat to the neighbour"), two or more
    # are what a relative writes about when afraid.
    if "self_harm" in labels and not (joking or reported or figurative) and _warning_signs(rules) >= WARNING_SIGNS:
        reasons.append("self_harm: several warning signs together")
        return "P2", tuple(reasons)
    if "disaster" in labels and rules.has("shelter") and rules.active("disaster") and not elsewhere:
        reasons.append("disaster: a family left without shelter")
        return "P2", tuple(reasons)
    weak = [lb for lb in labels if lb != "disaster"]
    if weak:
        reasons.append(f"{', '.join(weak)}: model signal below the paging bar")
    if "disaster" in labels:
        reasons.append("disaster: about an ongoing disaster or emergency")
    # The label scores say what a message is about; the urgency head, learnt from the team's messages and their
    # urgency, whether it needs someone within hours ("جدتي ... يخليها بدون اكل ودوا"). It never overrides a
    # context finding: a figure of speech, laughter, a denied or reported harm.
    if urgent is not None and urgent >= urgent_bar and not explained_away(rules):
        reasons.append(f"{URGENCY_HEAD}: reads like the team's urgent messages ({urgent:.2f})")
        return "P2", tuple(reasons)
    return "P3", tuple(reasons)


def explained_away(rules: RuleResult) -> bool:
    """A context finding that accounts for the harm words: figurative, past, a service question, news or a quote,
    a bystander's donation or prayer, a drill, or a label's own words muted (negated, idiom)."""
    cues = ("hyperbole", "laugh", "past", "service", "news", "quote", "bystander")
    return (
        any(rules.has(c) for c in cues) or staged(rules) or aftermath(rules) or any(h.muted_by for h in rules.hits)
    )


def aftermath(rules: RuleResult) -> bool:
    """Nobody was hurt ("الحمدلله محد تأذى", "no injuries") and no abuse or self-harm is named: a fire put out, a
    wall fallen in last month's rain, told to ask for compensation or housing. The heads read the fire and the
    damage as urgent; the lists' own danger words ("we are trapped") still page."""
    return rules.has("unhurt") and not any(
        rules.active(lb) for lb in ("self_harm", "domestic_violence", "child_protection")
    )


def staged(rules: RuleResult) -> bool:
    """A drill ("تمرين إخلاء", "fire drill"): the fire, the trapped pupil, the smoke are the exercise's script, and
    a child's fear of it is no emergency. Unless the message says someone needs help now or an act is under way:
    "during the fire drill my daughter fainted and is not breathing, send an ambulance now" is real. Not a `quote`
    cue: a quote mutes every hit for good, whatever "now" follows."""
    return rules.has("drill") and not rules.has("urgent") and not rules.has("act")


WARNING_SIGNS = 2


def _warning_signs(rules: RuleResult) -> int:
    """Distinct self-harm topic phrases that do not overlap ("توزع اغراضها", "عطت قطتها", "رساله لامي")."""
    spans: list[tuple[int, int]] = []
    for h in sorted((h for h in rules.active("self_harm") if h.topic), key=lambda h: h.start):
        if not spans or h.start >= spans[-1][1]:
            spans.append((h.start, h.end))
    return len(spans)


def _now(rules: RuleResult) -> bool:
    return rules.has("urgent") or rules.has("fear")


def _over(rules: RuleResult) -> bool:
    """The harm told is past. "for years he has beaten me and he still does": the past cue dates the start, not
    the end."""
    return rules.has("past") and not _now(rules) and not rules.has("ongoing")


def _asks_for_rescue(rules: RuleResult) -> bool:
    return any(h.first_person for h in rules.active("disaster")) or bool(rules.active("imminent_danger"))


def promote(urgency: str, reasons: tuple[str, ...], life: float | None, life_bar: float) -> tuple[str, tuple[str, ...]]:
    """A P2 the P1 head reads as a life at risk now becomes P1 (it pages either way; P1 escalates sooner).

    `decide` pages on what is said; how urgent the team found messages like it is the head's. It never raises a
    message `decide` did not page, so it adds no false page; its bar lets a fifth of the team's P2 messages
    through (classifiers/urgency_head.py)."""
    if urgency != "P2" or life is None or life < life_bar:
        return urgency, reasons
    return "P1", (*reasons, f"{P1_HEAD}: reads like the team's P1 messages ({life:.2f})")


def raise_by_heads(
    urgency: str,
    reasons: tuple[str, ...],
    labels: tuple[str, ...],
    life: float | None,
    urgent: float | None,
    rules: RuleResult,
) -> tuple[str, tuple[str, ...]]:
    """A message `decide` queued P3 (labelled, but under every paging bar) that both heads read as urgent pages
    P1: the P1 head says a life is at risk now, and the urgency head, which also learnt from public messages that
    need nothing, agrees it needs someone.

    Why: on messages told through circumstances ("صاعد فوك سطح العمارة من ساعة ... وزع ساعته وموبايله", a boy of
    3 alone in a shut car for 40 minutes) the label model finds a label but no list holds the words, and the
    heads, learnt from the team's messages and their urgency, read them as the team did. Not when the message
    laughs, tells of what is over or is a bystander's prayer or thanks: those are what the heads confuse with
    urgency ("the kitchen filled with smoke 😂", "thank you for the rescue during the cyclone two years ago"). Nor
    when disaster, the label of everyday weather talk, is all there is and an everyday subject (the heat, the
    queue) is beside it with no "now": "I nearly fainted from the heat waiting outside your office, add shade"."""
    if urgency != "P3" or life is None or urgent is None:
        return urgency, reasons
    if life < RAISE_LIFE_BAR or urgent < RAISE_URGENT_BAR:
        return urgency, reasons
    if _heads_misread(rules):
        return urgency, reasons
    if labels == ("disaster",) and rules.has("hyperbole") and not _now(rules):
        return urgency, reasons
    return "P1", (*reasons, f"{BOTH_HEADS}: reads like the team's P1 messages (P1 {life:.2f}, urgent {urgent:.2f})")


def raise_when_sure(
    urgency: str, reasons: tuple[str, ...], urgent: float | None, sure_bar: float, rules: RuleResult
) -> tuple[str, tuple[str, ...]]:
    """A message not paged, queued P3 or left unlabelled, that the urgency head reads past its sure bar pages P2,
    whatever service question or everyday subject sits beside the danger.

    Why: a long complaint about a housing allowance, a salary or a disability card that ends in a locked door is a
    `service` question to the lists, and a housemaid locked in an annex "in 46 degrees" talks of the heat; both
    explain the harm away, and a message whose harm no list names has no label at all ("ولد عمي طرّش لي لوكيشن ...
    واقف على الطرف"). The head learnt from the team's messages, long complaints among them, and past its sure bar
    a quarter of one per cent of quiet messages, the team's and public ones, cross it (urgency_head.SURE_BUDGET).
    Not when the message laughs, tells of what is over, is a bystander's prayer or thanks, a drill, news or a
    quote, or denies the harm, or when the harm words themselves are the figure of speech: those the head confuses
    with urgency."""
    if urgency in ("P1", "P2") or urgent is None or urgent < sure_bar:
        return urgency, reasons
    if _heads_misread(rules) or rules.has("denial") or rules.has("news") or rules.has("quote"):
        return urgency, reasons
    if any(h.muted_by for h in rules.hits):
        # the label's own words explained away: negated ("he never hit me"), reported, or the figure of speech
        # itself ("ابوي بيذبحني لو ما رتبت غرفتي"); an everyday subject elsewhere in the message (the heat) is not
        return urgency, reasons
    return "P2", (*reasons, f"{SURE_HEAD}: reads like the team's urgent messages ({urgent:.2f})")


def raise_by_team_label(
    urgency: str, reasons: tuple[str, ...], labels: Sequence[str], team: Mapping[str, float],
    bars: Mapping[str, float], urgent: float | None, rules: RuleResult,
) -> tuple[str, tuple[str, ...]]:
    """A labelled message queued P3 pages P2 where the team's label head reads one of its labels well past its
    bar (TEAM_RAISE_MARGIN) and the urgency head reads a need (TEAM_RAISE_URGENT), under the same guards as
    `raise_when_sure`.

    Why: a disclosure that is serious but not said in danger words ("saving my mum's pills in a sock, not
    tonight"; a niece of 13 promised to a man of 38; a grooming chat a nanny found) gets a label from the label
    model and a P3 from its paging bar, which public posts of distress set high; the urgency head alone reads it
    under its bar. Both heads learnt from the team's messages, which say such a message needs someone within
    hours. Disaster is left out: its team label reads a place, not a person at risk."""
    if urgency != "P3" or urgent is None or urgent < TEAM_RAISE_URGENT:
        return urgency, reasons
    if _heads_misread(rules) or rules.has("denial") or rules.has("news") or rules.has("quote"):
        return urgency, reasons
    if any(h.muted_by for h in rules.hits):
        return urgency, reasons
    read = [
        lb for lb in labels
        if lb != "disaster" and team.get(lb, 0.0) >= bars.get(lb, NO_BAR) + TEAM_RAISE_MARGIN
    ]
    if not read:
        return urgency, reasons
    return "P2", (*reasons, f"{TEAM_HEAD}: {read[0]} reads like the team's urgent messages ({team[read[0]]:.2f})")


def added_by_team_head(
    labels: Sequence[str], team: Mapping[str, float], bars: Mapping[str, float], urgent: float | None,
    rules: RuleResult,
) -> list[str]:
    """The labels the team's label head adds (classifiers/urgency_head.py `fit_labels`): those the public corpus
    has no rows for (a toddler shut in a car in the heat, a child at an open window) or that the label model
    misses in the team's kind of message (a farewell), where its score is over its
    bar, the label's own words are not explained away, and the urgency head reads a need too: alone it reads
    child protection into every parent's question that gives a child's age ("my son is 10 and keeps asking for a
    phone": 0.91). It labels; paging is decided as for any label."""
    if urgent is None or urgent < TEAM_LABEL_URGENT:
        return []
    return [
        lb for lb, score in team.items()
        if lb not in labels and score >= bars.get(lb, NO_BAR) and not rules.muted(lb)
    ]


def dropped_by_team_head(
    labels: Sequence[str], team: Mapping[str, float], bars: Mapping[str, float], add_bars: Mapping[str, float],
    only_model: Sequence[str],
) -> list[str]:
    """The labels the team's label head takes off: given by the label model alone (`only_model`: no list, cue or
    rule named them), and read by the team's head under its drop bar, which all but a tenth of the team's
    messages with that label pass out of fold (urgency_head.DROP_BUDGET); only a label that says who harms whom
    (SWAPPABLE): imminent danger and disaster say what is happening, and a gas leak or a sewage tank is often a
    disaster no list names. A label is only ever swapped: another label stays that the team's head reads past its
    own bar (`add_bars`).

    Why: the label model learnt domestic violence from public posts of distress and reads it into a farewell, a
    long benefit letter ending in saved pills, a father beating a child; such a case went to the
    domestic-violence team (triage.cases.LABEL_ORDER). The urgency is decided before, with every label. Without
    the swap condition it also took domestic violence off public posts the team's head does not know (a sample
    of train.jsonl's domestic-violence rows: 230 -> 181 of 250 labelled; with it 225)."""
    drop = [
        lb for lb in labels
        if lb in SWAPPABLE and lb in only_model and team.get(lb, 1.0) < bars.get(lb, 0.0)
    ]
    kept = [lb for lb in labels if lb not in drop and team.get(lb, 0.0) >= add_bars.get(lb, NO_BAR)]
    return drop if kept else []


def danger_of_a_p1(urgency: str, labels: Sequence[str], team: Mapping[str, float]) -> bool:
    """Whether a message paged P1 is also labelled imminent danger.

    Why: P1 is a life at risk now, and in the team's own labelling 97% of P1 messages carry imminent_danger
    (1,148 of 1,189 in probe26..123: a beating under way, pills taken, a child shut in a car), where the lists and
    the label model often name only the abuse or the act. Not every P1: the P1 head also makes P1 of a third of
    the team's P2 messages (urgency_head.LIFE_BUDGET), of which the team labels 4% imminent danger; so only where
    the team's label head reads imminent danger at P1_DANGER_BAR or more. Out of fold on probe26..123 through
    the pipeline: imminent_danger recall 958 -> 1,080 of 1,176, wrong labels 232 -> 414 (every P1: 1,097 for 578).
    The label decides the team paged (triage.cases.LABEL_ORDER): a P1 goes to whoever answers for danger now."""
    return (
        urgency == "P1" and "imminent_danger" not in labels
        and team.get("imminent_danger", 0.0) >= P1_DANGER_BAR
    )


def hold_back_when_quiet(
    urgency: str, reasons: tuple[str, ...], urgent: float | None, quiet_bar: float, rules: RuleResult
) -> tuple[str, tuple[str, ...]]:
    """A page the urgency head reads as quieter than all but a thousandth of the team's urgent messages (out of
    fold, urgency_head.QUIET_BUDGET) is queued P3 instead: the case is opened, nobody is woken.

    Why: what the lists page by mistake is words read out of their setting: a toddler forgotten in a hot car in
    Texas, a family rescued from a flood yesterday asking about compensation, "my ex never hit me" on a benefit
    form. The head, which read the team's quiet messages too, scores them near zero. Never when the writer
    speaks of their own harm or danger in words the lists know, nor beside child-protection words about a named
    child: on short messages the head is unreliable ("ساعدوني السيل جرفنا 0", a rescue in a flood, scored 0.02;
    an oath, "والله العظيم بذبح نفسي اذا رجعوني له", 0.007 out of fold; a teacher asking what to do about round
    burns on a pupil's hand, 0.02), and those are the last messages to hold back."""
    if urgency not in ("P1", "P2") or urgent is None or urgent >= quiet_bar:
        return urgency, reasons
    if any(h.first_person and not h.muted_by for h in rules.hits):
        return urgency, reasons
    if rules.active("child_protection") and rules.has("minor"):
        return urgency, reasons
    return "P3", (*reasons, f"{QUIET_HEAD}: reads like messages that need nothing ({urgent:.3f}); queued, not paged")


def child_at_risk(urgency: str, child: float, urgent: float | None, rules: RuleResult) -> bool:
    """A message not paged that names a child (an age, "my daughter", a pupil), in which the label model reads
    child protection, if under its label bar, and the urgency head is sure someone is needed within hours.

    Why: child protection told without its words is the label the lists miss most — a man on a game asking a boy
    of 12 for photos and to meet on Friday, a girl of 16 promised to her cousin and taken out of school, a teacher
    who sees cigarette burns. The label model alone reads them at 0.4-0.6, as it reads parents' everyday
    questions about teenagers; the urgency head tells the two apart. Not beside laughter, a bystander's words, a
    denial, a harm that is over, or a question about services or a news item with no "now" ("عندي ولد عمره ١٥ يدخن،
    كيف اتعامل معه؟")."""
    if urgency in ("P1", "P2") or urgent is None or not rules.has("minor"):
        return False
    if child < CHILD_MODEL_BAR or urgent < CHILD_URGENT_BAR:
        return False
    if _heads_misread(rules) or rules.has("denial"):
        return False
    # a news item about a child ("طفلة تتعرض للضرب على يد والدها، والشرطة تقبض عليه") reads as a child at risk
    reported = (rules.has("news") and rules.narrator < NARRATOR_OWN_STORY) or rules.has("quote")
    return not ((rules.has("service") or reported) and not _now(rules))


def _heads_misread(rules: RuleResult) -> bool:
    """What the heads confuse with urgency: laughter, a bystander's prayer or thanks, a harm that is over, a drill,
    a disaster nobody was hurt in."""
    return rules.has("laugh") or rules.has("bystander") or _over(rules) or staged(rules) or aftermath(rules)
