"""The worker loads the classifier once, then forks: children must classify without hanging."""

from __future__ import annotations

import multiprocessing
from multiprocessing.queues import Queue

from classifiers import Classifier


def _child(clf: Classifier, out: Queue[tuple[str, bool]]) -> None:
    res = clf.classify("زوجي يضربني الحين")
    out.put((res.urgency, res.degraded))


def test_classify_in_a_forked_child(classifier: Classifier) -> None:
    classifier.classify("warm the model up in the parent, as a preloading worker does")
    ctx = multiprocessing.get_context("fork")
    out: Queue[tuple[str, bool]] = ctx.Queue()
    proc = ctx.Process(target=_child, args=(classifier, out))
    proc.start()
    proc.join(timeout=60)
    if proc.is_alive():
        proc.kill()
        proc.join()
        raise AssertionError("classifier hung in a forked child")
    assert proc.exitcode == 0
    assert out.get(timeout=5) == ("P1", False)
