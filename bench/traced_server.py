"""A bench server whose Python allocations can be looked at: ``summit serve`` or the fan-out
reference, for ``bench/socket_heap.py``.

    python bench/traced_server.py summit|reference --port 8001

Each SIGUSR1 collects the garbage and writes a tracemalloc snapshot to ``$BENCH_SNAPSHOT.<n>``
(n = 1, 2, ...), then an empty ``.<n>.done`` beside it. Tracing starts at the first signal, not
at start-up: importing and starting under tracemalloc takes minutes on a loaded machine, and
only what is allocated between two snapshots is compared.
"""

from __future__ import annotations

import gc
import os
import runpy
import signal
import sys
import tracemalloc
from pathlib import Path
from types import FrameType

FRAMES = 25
"""Frames kept per allocation: enough to reach from uvicorn's protocol down to the app's."""

_taken = 0


def _snapshot(signum: int, frame: FrameType | None) -> None:
    global _taken  # noqa: PLW0603 - one counter for the signal handler
    gc.collect()
    if not tracemalloc.is_tracing():
        tracemalloc.start(FRAMES)
    _taken += 1
    path = Path(f"{os.environ['BENCH_SNAPSHOT']}.{_taken}")
    tracemalloc.take_snapshot().dump(str(path))
    path.with_name(f"{path.name}.done").touch()


def main() -> None:
    which, port = sys.argv[1], sys.argv[sys.argv.index("--port") + 1]
    signal.signal(signal.SIGUSR1, _snapshot)
    if which == "summit":
        from summit.cli import main as summit  # noqa: PLC0415 - only this server loads Summit

        sys.exit(summit(["serve", "--port", port]))
    reference = Path(__file__).with_name("reference_server.py")
    sys.argv = [str(reference), "--port", port]
    runpy.run_path(str(reference), run_name="__main__")


if __name__ == "__main__":
    main()
