"""The classifier the worker runs: lexicon rules + trained model, combined; urgency; evidence.

Failure policy: the model is an improvement, the lexicon is the floor. If the model cannot load, or raises
on a message, that message is classified by the lexicon alone and marked `degraded=True`. `classify` never
raises for a str input.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.model import MODEL_DIR, ModelOutput, TrainedModel
from classifiers.normalise import Normalised, fold
from classifiers.result import LABELS, ClassificationResult, Evidence
from classifiers.rules import GAP, LEXICON_DIR, RuleLayer, RuleResult, detect_lang, read_lexicon
from classifiers.urgency import (
    CHILD_AT_RISK,
    NO_BAR,
    URGENCY_HEAD,
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

log = logging.getLogger(__name__)
MAX_CHARS = 100_000  # beyond this only the first part is read (evidence offsets stay valid)
# The lexicon counts fully for the labels it names precisely; disaster words ("flood", "سيل") are common in
# everyday talk, so there a hit only adds to the model's score.
RULE_WEIGHT = {label: 1.0 for label in LABELS} | {"disaster": 0.5}
# Degraded mode (lexicon only): a hit decides, paging follows the context rules.
DEGRADED = {
    "thresholds": {label: 0.5 for label in LABELS},
    "page_thresholds": {label: 0.5 for label in LABELS},
}
DEGRADED["thresholds"]["disaster"] = 0.25


DERIVED_WHY = {
    "urgent": "abuse happening now: a danger to life or safety",
    "act": "a self-harm act already under way",
    "family": "the threat comes from a family member or partner",
    "exposed": "someone who cannot get out alone, with no power or cooling",
}


def derived_labels(labels: list[str], rules: RuleResult) -> list[tuple[str, str, tuple[str, ...]]]:
    """Labels that follow from others plus context: (label, cue that justifies it, labels it derives from).

    - abuse of a partner or child happening now is also imminent danger (the team pages it as P1 either way,
      but the imminent_danger queue is the one that dispatches);
    - a self-harm act already under way (pills swallowed, wrists cut) is imminent danger;
    - someone who cannot get out alone (bedridden, on the floor) with no power or cooling is imminent danger;
    - a threat to kill the writer from a husband, father or brother is domestic violence (not from an employer:
      sponsors' abuse is handled as labour and trafficking, not as family violence).
    """
    out: list[tuple[str, str, tuple[str, ...]]] = []
    if rules.has("past"):
        return out
    if "imminent_danger" not in labels:
        abuse = tuple(lb for lb in ("domestic_violence", "child_protection") if lb in labels and rules.active(lb))
        if abuse and rules.has("urgent"):
            out.append(("imminent_danger", "urgent", abuse))
        elif "self_harm" in labels and rules.has("act") and any(not h.topic for h in rules.active("self_harm")):
            out.append(("imminent_danger", "act", ("self_harm",)))
        elif rules.has("helpless") and rules.has("exposed"):
            out.append(("imminent_danger", "exposed", ()))
    threat = [h for h in rules.active("imminent_danger") if h.first_person]
    if "domestic_violence" not in labels and threat and rules.has("family") and not rules.has("employer"):
        out.append(("domestic_violence", "family", ("imminent_danger",)))
    return out


def _rescue(rules: RuleResult) -> bool:
    """A first-person threat to life (trapped, "save us", "help me") in the same message."""
    return any(not h.topic and h.first_person for h in rules.active("imminent_danger"))


def lexicon_digest(lexicon_dir: Path = LEXICON_DIR) -> str:
    h = hashlib.sha1()
    for path in sorted(lexicon_dir.rglob("*.txt")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:8]


def combine(rule: float, model: float, label: str) -> float:
    w = RULE_WEIGHT[label]
    return max(model, w * rule + (1.0 - w) * model)


# A context rule (negation, idiom, news, past) that explains away the lexicon's words speaks for a whole short
# message; in a long post one negated phrase ("I'm not going to do anything stupid") does not outweigh the rest.
SHORT_CHARS = 400


def held_back(model: float, active: bool, muted: bool, length: int) -> float:
    """The model's score after the context rules: where the lexicon saw the words and a context rule explained
    them away (and nothing else matched), the model needs to be sure on a short message."""
    if muted and not active and length <= SHORT_CHARS:
        return model if model >= 0.95 else model * 0.5
    return model


def label_score(label: str, active: bool, muted: bool, model: float, length: int) -> float:
    """The score a label is judged by: lexicon and model combined. Training picks thresholds on exactly this."""
    return combine(1.0 if active else 0.0, held_back(model, active, muted, length), label)


class Classifier:
    def __init__(self, model_dir: Path = MODEL_DIR, use_embeddings: bool = True) -> None:
        import spacy

        self.model: TrainedModel | None = None
        try:
            self.model = TrainedModel(model_dir, use_embeddings=use_embeddings)
            nlp = self.model.nlp
        except Exception:
            log.error(
                "classifier model failed to load from %s; lexicon only (degraded)",
                model_dir,
                exc_info=True,
            )
            nlp = spacy.blank("xx")
        self.rules = RuleLayer(nlp)
        self.tail_from = TAIL_FROM  # 0: read every message whole only
        self.lexicon_version = f"lex.{lexicon_digest()}"
        self.version = f"{self.model.version if self.model else 'lexicon-only'}+{self.lexicon_version}"

    # -- public surface ---------------------------------------------------------------------------------
    def classify(self, text: str) -> ClassificationResult:
        return self.classify_many([text])[0]

    def classify_many(self, texts: Iterable[str]) -> list[ClassificationResult]:
        items = [t if isinstance(t, str) else str(t) for t in texts]
        try:
            parsed = [self._parse(t[:MAX_CHARS]) for t in items]
        except Exception:
            log.error("rule layer failed; falling back to plain lexicon scan", exc_info=True)
            return [self._emergency(t) for t in items]
        output: ModelOutput | None = None
        if self.model is not None and items:
            try:
                output = self._predict(self.model, parsed, [t[:MAX_CHARS] for t in items])
            except Exception:
                log.error("model raised; these messages get the lexicon only (degraded)", exc_info=True)
        results: list[ClassificationResult] = []
        for i, text in enumerate(items):
            rules = parsed[i][0]
            row = None if output is None else [float(x) for x in output.labels[i]]
            urgent = None if output is None or output.urgent is None else float(output.urgent[i])
            life = None if output is None or output.life is None else float(output.life[i])
            team = self._team_scores(output, i)
            try:
                results.append(self._decide(text, rules, row, urgent, life, team))
            except Exception:
                log.error("decision failed; plain lexicon scan", exc_info=True)
                results.append(self._emergency(text))
        return results

    # -- internals ----------------------------------------------------------------------------------------
    def _predict(
        self, model: TrainedModel, parsed: Sequence[tuple[RuleResult, Normalised, Any]], texts: list[str]
    ) -> ModelOutput:
        """The model's reading of each message and, for a long one, the heads' reading of its last sentences
        alone, keeping the higher of the two: in a long complaint the risk often sits in the last line ("...
        وأكتب لكم من جوال قديم خبأته لأن زوجي أقفل باب الشقة من الخارج"), and read with the whole message the
        encoder averages it away. The label scores stay the whole message's: with the higher label score too, the
        holdout's domestic_violence F1 fell to 0.400 from 0.446 (long forum posts whose last lines read as abuse)."""
        out = model.predict([p[2] for p in parsed], texts)
        tails = [(i, tail) for i, t in enumerate(texts) if (tail := last_part(t, self.tail_from)) is not None]
        heads = model.read_heads([tail for _, tail in tails]) if tails and out.urgent is not None else None
        if heads is None or out.urgent is None:
            return out
        at = [i for i, _ in tails]
        urgent = out.urgent.copy()
        urgent[at] = np.maximum(urgent[at], heads[0])
        life = out.life
        if life is not None and heads[1] is not None:
            life = life.copy()
            life[at] = np.maximum(life[at], heads[1])
        return ModelOutput(out.labels, urgent, life, out.team)

    def _team_scores(self, output: ModelOutput | None, i: int) -> dict[str, float]:
        """The team's label head's scores for message `i`, by label ({} without the head)."""
        head = self.model.urgency if self.model is not None else None
        if output is None or output.team is None or head is None:
            return {}
        return {lb: float(output.team[i, j]) for j, lb in enumerate(head.label_names)}

    def _parse(self, text: str) -> tuple[RuleResult, Normalised, Any]:
        doc, norm = self.rules.doc_for(text)
        return self.rules.run(text, doc, norm), norm, doc

    def _settings(self, degraded: bool) -> dict[str, Any]:
        if degraded or self.model is None:
            return DEGRADED
        return self.model.settings()

    def _decide(
        self,
        text: str,
        rules: RuleResult,
        model_row: Sequence[float] | None,
        urgent: float | None = None,
        life: float | None = None,
        team: Mapping[str, float] | None = None,
    ) -> ClassificationResult:
        degraded = model_row is None
        settings = self._settings(degraded)
        thresholds: dict[str, float] = settings["thresholds"]
        page_thresholds: dict[str, float] = settings["page_thresholds"]
        scores: dict[str, float] = {}
        model_only: dict[str, float] = {}  # what the model says on its own: the paging bar applies to this
        labels: list[str] = []
        evidence: list[Evidence] = []
        for j, label in enumerate(LABELS):
            active = rules.active(label)
            model = model_row[j] if model_row is not None else 0.0
            model = held_back(model, bool(active), bool(rules.muted(label)), len(text))
            model_only[label] = model
            score = combine(1.0 if active else 0.0, model, label)
            if label == "disaster" and active and _rescue(rules):
                # a flood or fire word beside a rescue request ("el seil 5ath el sayyara ... sa3doona") is not
                # everyday talk: the lexicon decides, as for the other labels
                score = 1.0
            scores[label] = round(score, 4)
            bar = thresholds[label]
            if score >= bar:
                labels.append(label)
                evidence.extend(
                    Evidence(h.start, h.end, label, h.source, f"matched '{h.phrase}'") for h in active
                )
                if model_row is not None and model_row[j] >= thresholds[label] * 0.8:
                    mode = self.model.mode if self.model else "model"
                    evidence.append(
                        Evidence(0, len(text), label, f"model:{mode}", f"score {model_row[j]:.2f}")
                    )
        if team and self.model is not None:
            for label in added_by_team_head(labels, team, self.model.team_label_bars, urgent, rules):
                labels.append(label)
                evidence.append(Evidence(0, len(text), label, "model:team", f"score {team[label]:.2f}"))
        # A beating disclosed by a child is child protection as well.
        if "domestic_violence" in labels and "child_protection" not in labels and rules.has("minor"):
            labels.append("child_protection")
            scores["child_protection"] = max(scores["child_protection"], scores["domestic_violence"])
            evidence.extend(_child_evidence(rules))
        for label, why, source in derived_labels(labels, rules):
            labels.append(label)
            scores[label] = max([scores[label], *(scores[lb] for lb in source)])
            evidence.extend(Evidence(s, e, label, f"rule:{why}", DERIVED_WHY[why]) for s, e in rules.cues[why])
        ordered = tuple(label for label in LABELS if label in labels)
        # The paging bar is for the model on its own: a topic word ("domestic violence" in "how do I report
        # domestic violence?") scores 1.0 combined, but it labels the message and must not page by itself.
        page_scores = {lb: (model_only[lb] if model_row is not None else 0.0) for lb in LABELS}
        context_bars = {lb: (thresholds[lb] + page_thresholds[lb]) / 2 for lb in LABELS}
        urgent_bar = self.model.urgent_bar if self.model is not None else NO_BAR
        urgency, reasons = decide(ordered, page_scores, rules, page_thresholds, context_bars, urgent, urgent_bar)
        if urgent is not None and reasons and reasons[-1].startswith(URGENCY_HEAD):
            evidence.append(Evidence(0, len(text), ordered[0], "model:urgency", f"score {urgent:.2f}"))
        decided = urgency
        urgency, reasons = raise_by_heads(urgency, reasons, ordered, life, urgent, rules)
        if urgency != decided:
            evidence.append(Evidence(0, len(text), ordered[0], "model:heads", f"P1 {life:.2f}, urgent {urgent:.2f}"))
        elif urgent is not None and child_at_risk(urgency, model_only["child_protection"], urgent, rules):
            ordered = tuple(lb for lb in LABELS if lb in ordered or lb == "child_protection")
            why = f"{CHILD_AT_RISK} ({model_only['child_protection']:.2f}, {urgent:.2f})"
            urgency, reasons = "P2", (*reasons, why)
            evidence.extend(_child_evidence(rules))
            evidence.append(Evidence(0, len(text), "child_protection", "model:urgency", f"score {urgent:.2f}"))
        if urgent is not None and self.model is not None:
            sure_urgency, sure_reasons = raise_when_sure(urgency, reasons, urgent, self.model.sure_bar, rules)
            if sure_urgency != urgency:
                if not ordered and model_row is not None:  # no label fired: the model's likeliest one
                    ordered = (max(LABELS, key=lambda lb: model_row[LABELS.index(lb)]),)
                urgency, reasons = sure_urgency, sure_reasons
                evidence.append(Evidence(0, len(text), ordered[0], "model:urgency", f"sure, score {urgent:.2f}"))
        if team and self.model is not None:
            queued = urgency
            urgency, reasons = raise_by_team_label(
                urgency, reasons, ordered, team, self.model.team_label_bars, urgent, rules
            )
            if urgency != queued:
                evidence.append(Evidence(0, len(text), ordered[0], "model:team", f"urgent {urgent:.2f}"))
        unpromoted = urgency
        urgency, reasons = promote(urgency, reasons, life, self.model.life_bar if self.model else NO_BAR)
        if urgency != unpromoted:
            evidence.append(Evidence(0, len(text), ordered[0], "model:p1", f"score {life:.2f}"))
        if urgent is not None and self.model is not None:
            paged = urgency
            urgency, reasons = hold_back_when_quiet(urgency, reasons, urgent, self.model.quiet_bar, rules)
            if urgency != paged:
                evidence.append(Evidence(0, len(text), ordered[0], "model:urgency", f"quiet, score {urgent:.3f}"))
        if team and danger_of_a_p1(urgency, ordered, team):
            ordered = tuple(lb for lb in LABELS if lb in ordered or lb == "imminent_danger")
            scores["imminent_danger"] = max(scores["imminent_danger"], round(team["imminent_danger"], 4))
            evidence.append(
                Evidence(0, len(text), "imminent_danger", "model:team", f"P1, score {team['imminent_danger']:.2f}")
            )
        if team and self.model is not None:
            bars = (self.model.team_drop_bars, self.model.team_label_bars)
            ordered, evidence, reasons = _swap(ordered, evidence, reasons, team, *bars)
        for h in rules.hits:
            if h.muted_by:
                evidence.append(
                    Evidence(h.start, h.end, h.label, f"rule:{h.muted_by}", f"muted '{h.phrase}'")
                )
        return ClassificationResult(
            labels=ordered,
            scores=scores,
            urgency=urgency,
            evidence=tuple(evidence),
            lang=rules.lang,
            model_version=self.version,
            degraded=degraded,
            reasons=reasons,
        )

    def _emergency(self, text: str) -> ClassificationResult:
        """Last resort when even spaCy failed: substring scan of the label lexicons on folded text."""
        try:
            folded = fold(text)
        except Exception:
            folded = text.lower()
        padded = f" {folded} "
        found = tuple(label for label in LABELS if any(w in padded for w in emergency_words(label)))
        urgent = any(lb != "disaster" for lb in found)
        return ClassificationResult(
            labels=found,
            scores={label: (1.0 if label in found else 0.0) for label in LABELS},
            urgency="P2" if urgent else ("P3" if found else "none"),
            evidence=(),
            lang=detect_lang(text),
            model_version=f"emergency-scan+{self.lexicon_version}",
            degraded=True,
            reasons=("emergency lexicon scan: the classifier failed on this message",),
        )


# A message this long also has its last part read alone, up to TAIL_CHARS from its end, from a sentence start.
TAIL_FROM = 320
TAIL_CHARS = 240
_SENTENCE_END = re.compile(r"[.!?؟\n]+\s*")


def last_part(text: str, tail_from: int = TAIL_FROM) -> str | None:
    """The last sentences of a message of `tail_from` characters or more (None for a shorter one, or when
    `tail_from` is 0): from the first sentence start within the last TAIL_CHARS characters, or those characters
    whole when no sentence starts there."""
    if tail_from <= 0 or len(text) < tail_from:
        return None
    cut = text[-TAIL_CHARS:]
    m = _SENTENCE_END.search(cut)
    if m is not None and len(cut) - m.end() >= 40:
        cut = cut[m.end() :]
    return cut.strip() or None


def _swap(
    labels: tuple[str, ...], evidence: list[Evidence], reasons: tuple[str, ...], team: Mapping[str, float],
    drop_bars: Mapping[str, float], add_bars: Mapping[str, float],
) -> tuple[tuple[str, ...], list[Evidence], tuple[str, ...]]:
    """Take off the labels `urgency.dropped_by_team_head` names, with their evidence; a reason says why."""
    only_model = [lb for lb in labels if all(e.source.startswith("model:") for e in evidence if e.label == lb)]
    dropped = dropped_by_team_head(labels, team, drop_bars, add_bars, only_model)
    if not dropped:
        return labels, evidence, reasons
    why = tuple(f"{lb} left out: the team's label head reads {team[lb]:.2f}" for lb in dropped)
    kept = tuple(lb for lb in labels if lb not in dropped)
    return kept, [e for e in evidence if e.label not in dropped], (*reasons, *why)


def _child_evidence(rules: RuleResult) -> list[Evidence]:
    return [Evidence(s, e, "child_protection", "rule:minor", "a child is involved") for s, e in rules.cues["minor"]]


@functools.cache
def emergency_words(label: str) -> tuple[str, ...]:
    """A label's plain entries (no wildcard, no gap), folded and padded for the last-resort substring scan: read
    and folded once per process, not for every message of a failing rule layer."""
    words = [w for lang in ("ar", "en") for w in read_lexicon(LEXICON_DIR / f"{label}.{lang}.txt")]
    return tuple(f" {fold(w)} " for w in words if "*" not in w and GAP not in w.split())


def load_classifier(model_dir: Path | None = None, use_embeddings: bool = True) -> Classifier:
    """Load once per process (before the worker forks)."""
    return Classifier(model_dir or MODEL_DIR, use_embeddings=use_embeddings)


def as_array(results: Sequence[ClassificationResult]) -> Any:
    return np.array([[r.scores[label] for label in LABELS] for r in results], dtype=np.float32)
