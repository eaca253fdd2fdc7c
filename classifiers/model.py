"""The trained part: a spaCy `textcat_multilabel` plus an optional logistic head on e5 sentence embeddings.

Files (all in classifiers/model/, written by `python -m classifiers train`):
    spacy/         the spaCy pipeline (tokenizer + textcat_multilabel), loaded with spacy.load
    e5_head.npz    weights of the per-label logistic head on multilingual-e5-small embeddings
    urgency_head.npz  the urgency head on the same embeddings (classifiers/urgency_head.py)
    model.json     version, thresholds chosen on the validation split, how scores are combined, training facts
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.embedder import Embedder, FloatArray
from classifiers.result import LABELS
from classifiers.urgency import NO_BAR

MODEL_DIR = Path(__file__).resolve().parent / "model"
URGENCY_HEAD_FILE = "urgency_head.npz"
log = logging.getLogger(__name__)


def sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = (1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))).astype(np.float32)
    return out


class E5Head:
    def __init__(self, path: Path) -> None:
        with np.load(path) as npz:
            self.coef: FloatArray = npz["coef"].astype(np.float32)  # (384, n_labels)
            self.bias: FloatArray = npz["bias"].astype(np.float32)  # (n_labels,)
            self.labels = tuple(str(x) for x in npz["labels"])

    def predict(self, emb: FloatArray) -> FloatArray:
        return sigmoid(emb @ self.coef + self.bias)


class UrgencyHead:
    """Whether a message needs someone within hours, and whether a life is at risk now (P1): two logistic heads
    fitted by classifiers/urgency_head.py. A file without the second head (older models) reads as no P1 head."""

    def __init__(self, path: Path) -> None:
        with np.load(path) as npz:
            self.coef: FloatArray = npz["coef"].astype(np.float32)  # (384,)
            self.bias = float(npz["bias"])
            self.threshold = float(npz["threshold"])
            self.sure_threshold = float(npz["sure_threshold"]) if "sure_threshold" in npz else NO_BAR
            self.quiet_threshold = float(npz["quiet_threshold"]) if "quiet_threshold" in npz else 0.0
            self.life_coef: FloatArray | None = npz["life_coef"].astype(np.float32) if "life_coef" in npz else None
            self.life_bias = float(npz["life_bias"]) if "life_bias" in npz else 0.0
            self.life_threshold = float(npz["life_threshold"]) if "life_threshold" in npz else NO_BAR
            # the team's label head (older files have none)
            names = npz["label_names"] if "label_names" in npz else []
            self.label_names: tuple[str, ...] = tuple(str(x) for x in names)
            self.label_coef: FloatArray | None = npz["label_coef"].astype(np.float32) if self.label_names else None
            self.label_bias: FloatArray | None = npz["label_bias"].astype(np.float32) if self.label_names else None
            self.label_thresholds: dict[str, float] = (
                {lb: float(t) for lb, t in zip(self.label_names, npz["label_thresholds"], strict=True)}
                if self.label_names
                else {}
            )
            # under it a label only the label model gave is taken off (files before 2026-12-02 have none)
            self.label_drop_thresholds: dict[str, float] = (
                {lb: float(t) for lb, t in zip(self.label_names, npz["label_drop_thresholds"], strict=True)}
                if "label_drop_thresholds" in npz
                else {}
            )

    def predict(self, emb: FloatArray) -> FloatArray:
        return sigmoid(emb @ self.coef + self.bias)

    def predict_life(self, emb: FloatArray) -> FloatArray | None:
        return None if self.life_coef is None else sigmoid(emb @ self.life_coef + self.life_bias)

    def predict_labels(self, emb: FloatArray) -> FloatArray | None:
        """(n, len(label_names)): the team's label head, None without one."""
        if self.label_coef is None or self.label_bias is None:
            return None
        return sigmoid(emb @ self.label_coef + self.label_bias)


@dataclass(frozen=True)
class ModelOutput:
    labels: FloatArray  # (n, labels): textcat and e5 mixed
    urgent: FloatArray | None  # (n,): the urgency head's probability; None without embeddings or head
    life: FloatArray | None = None  # (n,): the P1 head's probability; None without it
    team: FloatArray | None = None  # (n, len(UrgencyHead.label_names)): the team's label head; None without it


class TrainedModel:
    """Loads everything under `model_dir`; raises if the spaCy part is missing (the caller degrades)."""

    def __init__(self, model_dir: Path = MODEL_DIR, use_embeddings: bool = True) -> None:
        import spacy

        self.meta: dict[str, Any] = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
        self.nlp: Any = spacy.load(model_dir / "spacy")
        self.textcat: Any = self.nlp.get_pipe("textcat_multilabel")
        self.head: E5Head | None = None
        self.urgency: UrgencyHead | None = None
        self.embedder: Embedder | None = None
        head_path = model_dir / "e5_head.npz"
        if use_embeddings and self.meta.get("embeddings") and head_path.exists():
            try:
                self.head = E5Head(head_path)
                self.embedder = Embedder()
                if (model_dir / URGENCY_HEAD_FILE).exists():
                    self.urgency = UrgencyHead(model_dir / URGENCY_HEAD_FILE)
            except Exception:  # the encoder is an improvement, never a requirement
                log.warning("e5 encoder unavailable; running with the spaCy model only", exc_info=True)
                self.head = None
                self.urgency = None
                self.embedder = None

    @property
    def mode(self) -> str:
        return "textcat+e5" if self.embedder is not None else "textcat"

    @property
    def version(self) -> str:
        return f"{self.meta.get('version', 'unknown')}/{self.mode}"

    def settings(self) -> dict[str, Any]:
        """Thresholds and combination weights for the mode actually running."""
        modes: dict[str, Any] = self.meta["modes"]
        return dict(modes[self.mode])

    def textcat_scores(self, docs: Sequence[Any]) -> FloatArray:
        if not docs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        scores = self.textcat.model.predict(list(docs))
        arr = np.asarray(scores, dtype=np.float32)
        order = [self.textcat.labels.index(label) for label in LABELS]
        out: FloatArray = arr[:, order]
        return out

    def predict(self, docs: Sequence[Any], texts: Sequence[str]) -> ModelOutput:
        """Model score per text and label, mixing textcat and e5 with the weight chosen on validation; and the
        urgency head's reading of the same embeddings."""
        tc = self.textcat_scores(docs)
        if self.embedder is None or self.head is None:
            return ModelOutput(tc, None)
        emb = self.embedder.embed(texts)
        probs = self.head.predict(emb)
        e5: FloatArray = probs[:, [self.head.labels.index(label) for label in LABELS]]
        weights = self.settings().get("e5_weight", {})
        w = np.array([float(weights.get(label, 0.5)) for label in LABELS], dtype=np.float32)
        mixed: FloatArray = ((1.0 - w) * tc + w * e5).astype(np.float32)
        if self.urgency is None:
            return ModelOutput(mixed, None)
        u = self.urgency
        return ModelOutput(mixed, u.predict(emb), u.predict_life(emb), u.predict_labels(emb))

    def read_heads(self, texts: Sequence[str]) -> tuple[FloatArray, FloatArray | None] | None:
        """The urgency and P1 heads' readings of `texts` alone, without the label model (None without them)."""
        if self.embedder is None or self.urgency is None or not texts:
            return None
        emb = self.embedder.embed(texts)
        return self.urgency.predict(emb), self.urgency.predict_life(emb)

    @property
    def urgent_bar(self) -> float:
        return self.urgency.threshold if self.urgency is not None else NO_BAR

    @property
    def sure_bar(self) -> float:
        return self.urgency.sure_threshold if self.urgency is not None else NO_BAR

    @property
    def quiet_bar(self) -> float:
        return self.urgency.quiet_threshold if self.urgency is not None else 0.0

    @property
    def team_label_bars(self) -> dict[str, float]:
        return self.urgency.label_thresholds if self.urgency is not None else {}

    @property
    def team_drop_bars(self) -> dict[str, float]:
        return self.urgency.label_drop_thresholds if self.urgency is not None else {}

    @property
    def life_bar(self) -> float:
        return self.urgency.life_threshold if self.urgency is not None else NO_BAR
