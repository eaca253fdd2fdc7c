"""The classifier's output contract, shared by the worker, the web app and the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

LABELS: tuple[str, ...] = (
    "self_harm",
    "domestic_violence",
    "child_protection",
    "imminent_danger",
    "disaster",
)
URGENCIES: tuple[str, ...] = ("P1", "P2", "P3", "none")


@dataclass(frozen=True)
class Evidence:
    """Why a label fired: a character span of the *original* text and what produced it."""

    start: int
    end: int
    label: str
    source: str  # e.g. "lexicon:self_harm/ar", "rule:negation", "model:textcat"
    reason: str = ""


@dataclass(frozen=True)
class ClassificationResult:
    labels: tuple[str, ...]
    scores: dict[str, float]
    urgency: str
    evidence: tuple[Evidence, ...]
    lang: str
    model_version: str
    degraded: bool = False
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_urgent(self) -> bool:
        return self.urgency in ("P1", "P2")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["labels"] = list(self.labels)
        data["evidence"] = [asdict(e) for e in self.evidence]
        data["reasons"] = list(self.reasons)
        return data
