"""Load on the REST API: many concurrent clients on ``POST /api/routes``, alone and beside a sweep job.

Issue 13 ("Load"): 50 concurrent clients for 60 s against the route endpoint on loopback, requests
bounded in count and time: zero errors; p50/p99 latency (goal p99 under 100 ms on 2 cores); a
1,000-sample sweep running in the background (a job of the same server) must not push p99 over
250 ms.

The server is a real ``corridor serve`` on a free 127.0.0.1 port in its own process. The clients
are coroutines of one asyncio loop in this process (a bounded client of our own: no think time,
each one keep-alive HTTP/1.1 connection, one request at a time, a per-request timeout), so the
load is closed: 50 requests are always in flight. A request that fails, times out or answers other
than 200 counts as an error. Latency is measured client-side, from send to the last byte.

Two sets of requests:

- ``fixed``: eight hand-picked corridor questions (Dostyk–Poti, Xi'an–Istanbul k=3, ...);
- ``random``: ``--requests`` origin–destination pairs drawn at random (``--seed``) from every
  node that is not a market, with random options (criterion, value of time, countries to avoid,
  cargo, k=3 for one in five), kept if the planner finds a route. Nothing in the server was
  tuned on them; another seed gives another set.

Run (the numbers go into benchmarks/RESULTS.md)::

    .venv/bin/python benchmarks/bench_api.py --clients 50 --seconds 60 --sweep-samples 1000
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def _start_server(port: int, store: Path, planners: int | None = None) -> subprocess.Popen[bytes]:
    cli = Path(sys.executable).with_name("corridor")
    cmd = [str(cli), "serve", "--host", "127.0.0.1", "--port", str(port), "--store", str(store)]
    if planners is not None:
        cmd += ["--planners", str(planners)]
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


def random_requests(n: int, seed: int) -> list[dict[str, Any]]:
    """``n`` route requests between random non-market nodes with random options, each answerable."""
    import corridor
    from corridor.exceptions import CorridorError

    ds = corridor.load()
    nodes = [nd.id for nd in ds.network.nodes if nd.kind != "market"]
    cargos = [c.id for c in ds.network.commodities if c.id != "oil"]
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    while len(out) < n:
        o, d = rng.sample(nodes, 2)
        body: dict[str, Any] = {"origin": o, "destination": d, "cargo": rng.choice(cargos),
                                "by": rng.choice(["time", "cost", "generalized"])}
        if body["by"] == "generalized":
            body["value_of_time"] = round(rng.uniform(0.05, 2.0), 2)
        body["avoid_countries"] = rng.choice([[], [], ["RU"], ["RU", "IR"]])
        if rng.random() < 0.2:
            body["k"] = 3
        try:
            corridor.route(ds, o, d, **{k: v for k, v in body.items() if k not in ("origin", "destination")})
        except CorridorError:
            continue
        out.append(body)
    return out


async def _client(port: int, bodies: list[dict[str, Any]], first: int, stop: float, timeout: float,
                  lat: list[float]) -> int:
    """One keep-alive connection posting ``bodies`` in turn from ``first`` until ``stop``; its error count."""
    errors = 0
    reader: asyncio.StreamReader | None = None
    writer: asyncio.StreamWriter | None = None
    i = first
    while time.monotonic() < stop:
        data = json.dumps(bodies[i % len(bodies)]).encode()
        i += 1
        head = (f"POST /api/routes HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n").encode()
        t0 = time.perf_counter()
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert reader is not None
            writer.write(head + data)
            status = await asyncio.wait_for(_response(reader), timeout)
            ok = status == 200
        except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
            ok = False
            if writer is not None:
                writer.close()
            reader = writer = None
        lat.append((time.perf_counter() - t0) * 1e3)
        errors += not ok
    if writer is not None:
        writer.close()
    return errors


async def _response(reader: asyncio.StreamReader) -> int:
    """Read one HTTP/1.1 response with a Content-Length body; its status code."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next((int(ln.split(":", 1)[1]) for ln in lines[1:] if ln.lower().startswith("content-length:")), None)
    if length is None:
        msg = "response without Content-Length"
        raise ValueError(msg)
    await reader.readexactly(length)
    return status


def _load(port: int, clients: int, seconds: float, timeout: float, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """``clients`` concurrent connections posting routes for ``seconds``; latencies in ms, errors counted."""
    lat: list[float] = []

    async def run() -> int:
        stop = time.monotonic() + seconds
        step = max(1, len(bodies) // clients)
        counts = await asyncio.gather(*(_client(port, bodies, k * step, stop, timeout, lat) for k in range(clients)))
        return sum(counts)

    errors = asyncio.run(run())
    lat.sort()
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) >= 2 else [float("nan")] * 99
    return {"requests": len(lat), "errors": errors, "rps": len(lat) / seconds, "p50_ms": q[49],
            "p90_ms": q[89], "p99_ms": q[98], "max_ms": lat[-1] if lat else float("nan")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, s")
    ap.add_argument("--requests", type=int, default=400, help="size of the random request set")
    ap.add_argument("--seed", type=int, default=1, help="seed of the random request set")
    ap.add_argument("--sweep-samples", type=int, default=1000, help="0: no run beside a sweep")
    ap.add_argument("--sweep-workers", type=int, default=1, help="worker processes of the background sweep")
    ap.add_argument("--planners", type=int, default=None, help="corridor serve --planners (default: its own)")
    args = ap.parse_args()
    import tempfile

    sets = {"fixed": PAIRS, f"random (seed {args.seed}, {args.requests} requests)":
            random_requests(args.requests, args.seed)}
    rows: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        proc = _start_server(port, Path(tmp) / "runs.duckdb", args.planners)
        try:
            for body in PAIRS:  # warm up: first routes load the network
                _call(port, "POST", "/api/routes", body)
            for name, bodies in sets.items():
                rows.append((f"{name}, alone", _load(port, args.clients, args.seconds, args.timeout, bodies)))
            for i, (name, bodies) in enumerate(sets.items()) if args.sweep_samples else ():
                # A sweep of its own for each load (another seed: nothing to reuse from the store),
                # so that it runs for the whole minute; its progress at the end says it did.
                status, raw = _call(port, "POST", "/api/sweeps", {
                    "scenario": "northern-risk-premium", "samples": args.sweep_samples, "seed": 1000 + i,
                    "workers": args.sweep_workers})
                if status != 202:
                    msg = f"the sweep job was refused: {status} {raw[:300]!r}"
                    raise RuntimeError(msg)
                job = json.loads(raw)["job"]
                time.sleep(3)
                result = _load(port, args.clients, args.seconds, args.timeout, bodies)
                _, raw = _call(port, "GET", f"/api/jobs/{job}")
                state = json.loads(raw)
                done = (state.get("progress") or {}).get("done")
                result["sweep"] = f"{state.get('status')}, {done:.0f} of {args.sweep_samples} samples" if done else "?"
                rows.append((f"{name}, beside a {args.sweep_samples}-sample sweep job", result))
                _call(port, "DELETE", f"/api/jobs/{job}")
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    planners = "default" if args.planners is None else args.planners
    print(f"machine: {os.cpu_count()} cores; {args.clients} clients x {args.seconds:.0f} s on loopback; "
          f"planners: {planners}")
    print("| load | answered | errors | req/s | p50 ms | p90 ms | p99 ms | max ms | sweep at the end |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, r in rows:
        print(f"| {name} | {r['requests']:,} | {r['errors']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
              f"{r['p90_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | {r.get('sweep', '')} |")


if __name__ == "__main__":
    main()
