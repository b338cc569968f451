"""Python allocations per idle socket, Summit against the fan-out reference, and where Summit's
extra bytes are allocated.

    python bench/socket_heap.py [--sockets 1000] [--top 25]

``bench/fanout.py`` reports each server's resident memory per socket: the figure that counts,
but a noisy one with a thousand sockets (what a process spends once, the allocator's
fragmentation and the machine's load move it by kilobytes). This bench counts the Python
allocations that the sockets keep instead, with tracemalloc: each server runs under
``bench/traced_server.py``; after a warm-up (200 sockets opened and closed), it takes a
snapshot, opens ``--sockets`` sockets (Summit's: the same page mix as the fan-out bench), waits,
and takes another. It prints the bytes per socket of each server, their ratio, and the lines
(innermost frame) whose allocations per socket differ most between the two. One server at a
time, not pinned; talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.fanout import seeded_database  # noqa: E402 - run as a script
from bench.live_client import open_sockets, opening_session_id, summit_urls  # noqa: E402
from bench.server import Server, raise_open_files_limit, reference_server, serving  # noqa: E402

WARM_UP = 200
SETTLE_SECONDS = 3.0
SNAPSHOT_SECONDS = 600.0


def snapshot(server: Server, path: Path, index: int) -> tracemalloc.Snapshot:
    """Have ``server`` write its snapshot ``index``, and read it."""
    done = Path(f"{path}.{index}.done")
    os.kill(server.pid, signal.SIGUSR1)
    deadline = time.monotonic() + SNAPSHOT_SECONDS
    while not done.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the server wrote no snapshot")
        time.sleep(0.1)
    return tracemalloc.Snapshot.load(f"{path}.{index}")


async def kept(server: Server, urls: list[str], warm_up: list[str], path: Path) -> Counter[str]:
    """Bytes kept by the sockets of ``urls``, by the line that allocated them."""
    await asyncio.gather(*(s.close() for s in await open_sockets(warm_up, server.base)))
    before = snapshot(server, path, 1)
    sockets = await open_sockets(urls, server.base)
    await asyncio.sleep(SETTLE_SECONDS)
    after = snapshot(server, path, 2)
    await asyncio.gather(*(s.close() for s in sockets))
    lines: Counter[str] = Counter()
    for stat in after.compare_to(before, "lineno"):
        frame = stat.traceback[0]
        lines[f"{_short(frame.filename)}:{frame.lineno}"] += stat.size_diff
    return lines


ROOT = Path(__file__).resolve().parent.parent


def _short(filename: str) -> str:
    """A file name from its package's folder on (``starlette/routing.py``), or the
    repository's (``summit/live/routes.py``); the standard library's by name."""
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1]
    path = Path(filename)
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    count: int = args.sockets
    raise_open_files_limit()
    with tempfile.TemporaryDirectory() as folder:
        url = seeded_database(Path(folder), "bench.db")
        session_id = opening_session_id(Path(folder) / "bench.db")
        snapshots = Path(folder) / "summit"
        with serving(url, snapshots=snapshots) as summit:
            ours = asyncio.run(
                kept(
                    summit,
                    summit_urls(summit.base, count, session_id),
                    summit_urls(summit.base, WARM_UP, session_id),
                    snapshots,
                )
            )
        snapshots = Path(folder) / "reference"
        with reference_server(False, snapshots=snapshots) as reference:
            socket = reference.base.replace("http://", "ws://") + "/ws"
            theirs = asyncio.run(kept(reference, [socket] * count, [socket] * WARM_UP, snapshots))
    report(ours, theirs, count, args.top)


def report(ours: Counter[str], theirs: Counter[str], count: int, top: int) -> None:
    summit, reference = sum(ours.values()) / count, sum(theirs.values()) / count
    print(f"\nPython allocations kept per idle socket, {count:,} sockets (tracemalloc)\n")
    print("| server | bytes per socket |\n| --- | --- |")
    print(f"| reference | {reference:,.0f} |\n| Summit | {summit:,.0f} |")
    print(f"\nSummit ÷ reference: {summit / reference:.2f}×\n")
    print(f"Lines whose allocations per socket differ most (top {top}):\n")
    print("| Summit − reference | Summit | reference | line |\n| --- | --- | --- | --- |")
    lines = set(ours) | set(theirs)
    for line in sorted(lines, key=lambda line: -abs(ours[line] - theirs[line]))[:top]:
        print(
            f"| {(ours[line] - theirs[line]) / count:+,.0f} | {ours[line] / count:,.0f} "
            f"| {theirs[line] / count:,.0f} | `{line}` |"
        )


if __name__ == "__main__":
    main()
