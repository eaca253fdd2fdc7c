"""First classifier: a small bilingual keyword lexicon. Replaced by the spaCy pipeline (issue 4)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from classifiers.result import LABELS, ClassificationResult, Evidence

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "self_harm": ("انتحر", "اقتل نفسي", "ابي اموت", "بلعت حبوب", "kill myself", "suicide", "took pills"),
    "domestic_violence": ("يضربني", "زوجي يضرب", "ضربني زوجي", "beats me", "husband hit", "abusive husband"),
    "child_protection": ("طفل يصرخ", "يضربون الطفل", "child abuse", "child screaming"),
    "imminent_danger": ("الحين", "now", "بيذبحني", "going to kill me", "محبوس"),
    "disaster": ("سيل", "فيضان", "غرق", "flood", "earthquake", "زلزال"),
}
_URGENT_NOW = ("الحين", "now", "الآن", "حاليا")


def _detect_lang(text: str) -> str:
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    return "ar" if arabic * 2 >= max(1, sum(ch.isalpha() for ch in text)) else "en"


class Classifier:
    version = "lexicon-0.1"

    def classify(self, text: str) -> ClassificationResult:
        lowered = text.lower()
        evidence: list[Evidence] = []
        for label in LABELS:
            for kw in _KEYWORDS[label]:
                for m in re.finditer(re.escape(kw), lowered):
                    evidence.append(Evidence(m.start(), m.end(), label, "lexicon", kw))
        found = {e.label for e in evidence}
        if found == {"imminent_danger"}:
            found = set()  # "now" alone is not a disclosure
        labels = tuple(label for label in LABELS if label in found)
        now = any(w in lowered for w in _URGENT_NOW)
        if not labels:
            urgency = "none"
        elif now or "self_harm" in labels:
            urgency = "P1"
        else:
            urgency = "P2"
        return ClassificationResult(
            labels=labels,
            scores={label: (1.0 if label in labels else 0.0) for label in LABELS},
            urgency=urgency,
            evidence=tuple(e for e in evidence if e.label in labels),
            lang=_detect_lang(text),
            model_version=self.version,
            degraded=True,
        )

    def classify_many(self, texts: Iterable[str]) -> list[ClassificationResult]:
        return [self.classify(t) for t in texts]


def load_classifier() -> Classifier:
    return Classifier()
