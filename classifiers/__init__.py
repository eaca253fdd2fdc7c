"""Najda's message classifier.

Public surface (the worker and the CLI rely on nothing else):
    load_classifier() -> Classifier        load once per process (before the worker forks)
    Classifier.classify(text) -> ClassificationResult
    Classifier.classify_many(texts) -> list[ClassificationResult]
"""

from classifiers.pipeline import Classifier, load_classifier
from classifiers.result import LABELS, URGENCIES, ClassificationResult, Evidence

__all__ = [
    "LABELS",
    "URGENCIES",
    "ClassificationResult",
    "Classifier",
    "Evidence",
    "load_classifier",
]
