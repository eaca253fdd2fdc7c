"""Training data: the shared corpus (read-only, never copied into the repo) plus the team's own examples."""

from __future__ import annotations

import json
import os
import random
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from classifiers.result import LABELS

REPO_ROOT = Path(__file__).resolve().parent.parent
OWN_EXAMPLES_DIR = Path(__file__).resolve().parent / "data"
# The team's development sets (bench/data/ministry_*.jsonl) are trained on too: Gulf, Egyptian, Levantine,
# Arabizi and expatriate-English messages are what the public corpus lacks most. Some stay out: the held-back
# set and the newest fresh batches are for measuring transfer, and the regression sample's rows
# (tests/classifiers/data) are never trained on wherever they also appear.
TEAM_SETS_DIR = REPO_ROOT / "bench" / "data"
# ministry_probe26 and every later batch were written after the committed label model was trained: a new batch
# is measure-only the moment its file exists (no list to forget to extend).
FIRST_FRESH_PROBE = 26
# The urgency heads (urgency_head.py) learn from the team's rows alone, so they take every batch up to probe135
# (up to probe99 until the thirteenth session, up to probe123 until the fourteenth, both 2026-12-02); probe136 on
# stays measure-only for them. The label model keeps its line at 26: adding the team's sets to it cost holdout
# precision (domestic violence 0.45 -> 0.30, 2026-11-30), and a retrain on probe26..123 (2026-12-02, classifiers/
# README.md "Batches 142-149") broke the regression sample's hard negatives.
URGENCY_FIRST_FRESH_PROBE = 136
_PROBE = re.compile(r"ministry_probe(\d+)")
REGRESSION_SAMPLE = REPO_ROOT / "tests" / "classifiers" / "data" / "regression.jsonl"
# Per (source, label set) cap: keeps training to minutes; 50k disaster tweets do not drown the rest.
DEFAULT_CAP = 1800
SEED = 13


@dataclass(frozen=True)
class Row:
    id: str
    text: str
    lang: str
    labels: tuple[str, ...]
    source: str
    urgency: str | None = None


def shared_data_dir(option: str | None = None) -> Path:
    """--data option, else $NAJDA_SHARED_DATA, else ../shared/data relative to the repo root."""
    raw = option or os.environ.get("NAJDA_SHARED_DATA") or str(REPO_ROOT.parent / "shared" / "data")
    return Path(raw)


def read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def to_row(obj: dict[str, object], default_source: str = "") -> Row:
    labels = obj.get("labels") or []
    assert isinstance(labels, list)
    urgency = obj.get("urgency")
    return Row(
        id=str(obj.get("id", "")),
        text=str(obj.get("text", "")),
        lang=str(obj.get("lang", "")),
        labels=tuple(str(x) for x in labels if x in LABELS),
        source=str(obj.get("source", default_source)),
        urgency=str(urgency) if urgency else None,
    )


def load_rows(path: Path) -> list[Row]:
    return [to_row(o) for o in read_jsonl(path)]


def texts_in(path: Path) -> set[str]:
    return {str(o.get("text", "")) for o in read_jsonl(path)} if path.exists() else set()


def is_measure_only(stem: str, first_fresh: int = FIRST_FRESH_PROBE) -> bool:
    """The held-back set and the fresh batches (from probe `first_fresh` on) are for measuring transfer, never
    for training."""
    probe = _PROBE.fullmatch(stem)
    return stem == "ministry_heldback" or (probe is not None and int(probe.group(1)) >= first_fresh)


def own_examples(
    directory: Path = OWN_EXAMPLES_DIR, team_sets: Path = TEAM_SETS_DIR, first_fresh: int = FIRST_FRESH_PROBE
) -> list[Row]:
    """The team's examples, then its development sets (less the measure-only ones), each text once; never a text
    of the regression sample or of a measure-only set."""
    team = sorted(team_sets.glob("ministry_*.jsonl"))
    fresh = [p for p in team if is_measure_only(p.stem, first_fresh)]
    paths = sorted(directory.glob("*.jsonl")) + [p for p in team if p not in fresh]
    # a measure-only text stays unseen even where a team file also has it (a common prayer, say)
    never = texts_in(REGRESSION_SAMPLE).union(*(texts_in(p) for p in fresh))
    rows: list[Row] = []
    seen: set[str] = set()
    for path in paths:
        for o in read_jsonl(path):
            row = to_row(o, default_source=f"own:{path.stem}")
            if row.text in never or row.text in seen:
                continue
            seen.add(row.text)
            rows.append(row)
    return rows


def capped_sample(rows: list[Row], cap: int = DEFAULT_CAP, seed: int = SEED) -> list[Row]:
    """At most `cap` rows per (source, label set), chosen reproducibly."""
    groups: dict[tuple[str, tuple[str, ...]], list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r.source, r.labels)].append(r)
    rng = random.Random(seed)
    out: list[Row] = []
    for key in sorted(groups):
        g = groups[key]
        out.extend(g if len(g) <= cap else rng.sample(g, cap))
    rng.shuffle(out)
    return out


def split_validation(
    rows: list[Row], share: float = 0.2, seed: int = SEED
) -> tuple[list[Row], list[Row]]:
    """Validation carved out of train, stratified by (source, labels); used only to pick thresholds."""
    groups: dict[tuple[str, tuple[str, ...]], list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r.source, r.labels)].append(r)
    rng = random.Random(seed + 1)
    fit: list[Row] = []
    val: list[Row] = []
    for key in sorted(groups):
        g = list(groups[key])
        rng.shuffle(g)
        n_val = max(1, round(len(g) * share)) if len(g) >= 3 else 0
        val.extend(g[:n_val])
        fit.extend(g[n_val:])
    return fit, val
