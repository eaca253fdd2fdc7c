"""What a worker process loads once: the Flask app (for its config and database) and the classifier.

Loaded in the parent before RQ forks a work-horse per job, so every job starts with the model in memory.
In tests, a job run by ``SimpleWorker`` inside a test's app context uses that app instead.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, has_app_context

from classifiers import Classifier, load_classifier
from triage.config import Settings

_state: dict[str, object] = {}


def preload(app: Flask | None = None, with_classifier: bool = True) -> Flask:
    """Create the app and load the classifier; call in the worker's parent process before forking."""
    if app is None:
        from triage import create_app

        app = create_app()
    _state["app"] = app
    if with_classifier:
        classifier()
        from alerts.warmup import warm_up

        with app.app_context():
            config = settings()
            try:
                warm_up(config.twilio_account_sid, config.twilio_auth_token, config.twilio_api_base_url or None)
            except Exception:  # a cold cache is slower, never wrong: a worker must start even if the DB is away
                logging.getLogger(__name__).warning("worker warm-up skipped", exc_info=True)
    # The app, the model and the lexicons' ~3,400 compiled patterns live as long as the process: frozen, the cyclic
    # collector stops re-walking them in every full collection (the lexicon stage's first pass over new messages
    # ran at ~60% of its speed without this, docs/PERFORMANCE.md "## Classifier"), and the work-horses RQ forks
    # per job do not touch their pages.
    gc.collect()
    gc.freeze()
    return app


def classifier() -> Classifier:
    loaded = _state.get("classifier")
    if loaded is None:
        loaded = _state["classifier"] = load_classifier()
    assert isinstance(loaded, Classifier)
    return loaded


@contextmanager
def app_context() -> Iterator[Flask]:
    if has_app_context():
        yield current_app._get_current_object()  # type: ignore[attr-defined]
        return
    app = _state.get("app")
    if not isinstance(app, Flask):
        app = preload()
    with app.app_context():
        yield app


def settings() -> Settings:
    value: Settings = current_app.extensions["najda.settings"]
    return value
