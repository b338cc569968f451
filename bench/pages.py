"""Serves the demo summit with uvicorn and measures the public pages from a second process.

    python bench/pages.py [--requests 2000] [--concurrency 16]

Prints requests per second and latency percentiles per page, and the server's memory.
Talks to 127.0.0.1 only; stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server import serving  # noqa: E402

PAGES = ["/ogp2021/", "/ogp2021/programme", "/ogp2021/speakers", "/ogp2021/delegations"]


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _measure(base: str, path: str, requests: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(requests):
        queue.put_nowait(index)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            queue.get_nowait()
            started = time.perf_counter()
            response = await client.get(path)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"{path} answered {response.status_code}")

    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.db"
        env = {**os.environ, "SUMMIT_DATABASE_URL": url, "SUMMIT_LOG_LEVEL": "WARNING"}
        cli = [sys.executable, "-m", "summit.cli"]
        subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
        subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True)
        with serving(url, workers=1) as server:
            base = server.base
            print(f"{'page':<24} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
            for path in PAGES:
                asyncio.run(_measure(base, path, 50, args.concurrency))  # warm-up
                started = time.perf_counter()
                latencies = asyncio.run(_measure(base, path, args.requests, args.concurrency))
                elapsed = time.perf_counter() - started
                cuts = statistics.quantiles(latencies, n=100)
                print(
                    f"{path:<24} {args.requests / elapsed:>8.0f} {cuts[49] * 1000:>8.1f} "
                    f"{cuts[94] * 1000:>8.1f} {cuts[98] * 1000:>8.1f}"
                )
            print(f"server memory (RSS): {_rss_kib(server.pid) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
