"""Load on the REST API: many concurrent clients on ``POST /api/routes``, alone and beside a sweep job.

Issue 13 ("Load"): 50 concurrent clients for 60 s against the route endpoint on loopback, requests
bounded in count and time: zero errors; p50/p99 latency (goal p99 under 100 ms on 2 cores); a
1,000-sample sweep running in the background (a job of the same server) must not push p99 over
250 ms.

The server is a real ``corridor serve`` on a free 127.0.0.1 port in its own process. The clients
are threads of this process, each with one keep-alive HTTP/1.1 connection (``http.client``),
sending one request at a time with a per-request timeout; a request that fails, times out or
answers other than 200 counts as an error. Route requests cycle through a fixed list of
origin–destination pairs and options (time, cost, k alternatives, avoid Russia), so the server
cannot answer from one cache line. Latency is measured client-side, from send to the last byte.

Run (the numbers go into benchmarks/RESULTS.md)::

    .venv/bin/python benchmarks/bench_api.py --clients 50 --seconds 60 --sweep-samples 1000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAIRS = [
    {"origin": "Dostyk", "destination": "Poti"},
    {"origin": "Dostyk", "destination": "Poti", "avoid_countries": ["RU"]},
    {"origin": "Almaty", "destination": "Duisburg", "by": "cost"},
    {"origin": "Xian", "destination": "Istanbul", "k": 3},
    {"origin": "Aktau", "destination": "Constanta", "by": "cost"},
    {"origin": "Karaganda", "destination": "Tashkent"},
    {"origin": "Kostanay", "destination": "Bandar Abbas", "cargo": "grain"},
    {"origin": "Altynkol", "destination": "Baku", "avoid_countries": ["RU", "IR"]},
]


def _free_port() -> int:
    with socket.socket() as so:
        so.bind(("127.0.0.1", 0))
        return int(so.getsockname()[1])


def _start_server(port: int, store: Path) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("corridor")
    cmd = [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/health")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    msg = "corridor serve did not answer /api/health within 60 s"
    raise RuntimeError(msg)


def _request(conn: http.client.HTTPConnection, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"content-type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers=headers)
    resp = conn.getresponse()
    return resp.status, resp.read()


def _call(port: int, method: str, path: str, body: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    """One request on a fresh connection (the server closes idle keep-alive connections)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        return _request(conn, method, path, body)
    finally:
        conn.close()


def _load(port: int, clients: int, seconds: float, timeout: float) -> dict[str, float]:
    """``clients`` threads posting routes for ``seconds``; latencies in ms, errors counted."""
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        i = k
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            body = PAIRS[i % len(PAIRS)]
            i += 1
            t0 = time.perf_counter()
            try:
                status, _ = _request(conn, "POST", "/api/routes", body)
                ok = status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
            mine.append((time.perf_counter() - t0) * 1e3)
            bad += not ok
        with lock:
            lat.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lat.sort()
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) >= 2 else [float("nan")] * 99
    return {"requests": len(lat), "errors": errors[0], "rps": len(lat) / seconds, "p50_ms": q[49],
            "p90_ms": q[89], "p99_ms": q[98], "max_ms": lat[-1] if lat else float("nan")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, s")
    ap.add_argument("--sweep-samples", type=int, default=1000)
    ap.add_argument("--sweep-workers", type=int, default=1, help="worker processes of the background sweep")
    args = ap.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        proc = _start_server(port, Path(tmp) / "runs.duckdb")
        try:
            for body in PAIRS:  # warm up: first routes compile kernels and load the network
                _call(port, "POST", "/api/routes", body)
            alone = _load(port, args.clients, args.seconds, args.timeout)
            status, raw = _call(port, "POST", "/api/sweeps", {
                "scenario": "northern-risk-premium", "samples": args.sweep_samples, "workers": args.sweep_workers})
            if status != 202:
                msg = f"the sweep job was refused: {status} {raw[:300]!r}"
                raise RuntimeError(msg)
            job = json.loads(raw)["job"]
            time.sleep(3)
            beside = _load(port, args.clients, args.seconds, args.timeout)
            _, raw = _call(port, "GET", f"/api/jobs/{job}")
            progress = json.loads(raw)
            _call(port, "DELETE", f"/api/jobs/{job}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(f"machine: {os.cpu_count()} cores; {args.clients} clients x {args.seconds:.0f} s on loopback")
    print("| load | requests | errors | req/s | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in (("routes alone", alone), (f"routes beside a {args.sweep_samples}-sample sweep job", beside)):
        print(f"| {name} | {r['requests']:,} | {r['errors']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
              f"{r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} |")
    print(f"sweep job during the second load: {progress.get('status')} {progress.get('progress')}")


if __name__ == "__main__":
    main()
