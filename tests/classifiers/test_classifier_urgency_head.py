"""The urgency head's bar keeps each group's quiet rows within budget on out-of-fold scores."""

from __future__ import annotations

import numpy as np

from classifiers.urgency_head import URGENT_BUDGET, fit


def test_the_bar_keeps_quiet_messages_in_budget_and_finds_urgent_ones() -> None:
    rng = np.random.default_rng(0)
    dim = 16
    direction = rng.normal(size=dim)
    # team rows: urgent ones lean along `direction`, quiet ones against it; public rows are quiet noise
    urgent = rng.normal(size=(300, dim)) + direction
    team_quiet = rng.normal(size=(300, dim)) - direction
    public = rng.normal(size=(600, dim)) - 0.5 * direction
    x = np.vstack([urgent, team_quiet, public]).astype(np.float32)
    y = np.array([1.0] * 300 + [0.0] * 900, dtype=np.float32)
    team = np.array([1.0] * 600 + [0.0] * 600, dtype=np.float32)
    head = fit(x, y, team)
    scores = 1.0 / (1.0 + np.exp(-(x @ head["coef"] + head["bias"])))
    bar = head["threshold"]
    # in-sample the fitted model is at least as sure as out of fold: the budget holds here with room to spare
    assert (scores[300:600] >= bar).mean() <= 3 * URGENT_BUDGET
    assert (scores[600:] >= bar).mean() <= 3 * URGENT_BUDGET
    assert 0.3 <= head["cv_recall"] <= 1.0
    assert (scores[:300] >= bar).mean() >= 0.3
