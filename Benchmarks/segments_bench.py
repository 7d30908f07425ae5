"""The measuring half of scripts/bench-segments.sh: ranking, segment preview and ingestion with
and without 50 live segments, against a server the script started. Prints a table and writes the
results JSON; exits 1 when a bar is missed."""
import argparse, json, os, statistics, subprocess, sys, time, urllib.error, urllib.request

parser = argparse.ArgumentParser()
for name in ("url", "secret", "publishable", "work", "results"):
    parser.add_argument("--" + name, required=True)
for name in ("people", "items", "repeats", "seconds", "server-pid"):
    parser.add_argument("--" + name, type=int, required=True)
args = parser.parse_args()


def log(message):
    print(f"bench-segments: {message}", file=sys.stderr, flush=True)


def call(method, path, body=None, key=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(args.url + path, data=data, method=method,
                                     headers={"Authorization": "Bearer " + (key or args.secret), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wrk(name, target, script=None, env=None, connections=32):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{args.seconds}s", "--latency"] + (["-s", script] if script else []) + [target]
    output = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True).stdout
    with open(os.path.join(args.work, name + ".txt"), "a") as raw:
        raw.write(output)
    result = {}
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            result = json.loads(line.split(" ", 1)[1])
        elif line.startswith("Requests/sec:"):
            result.setdefault("requests_per_second", float(line.split()[1]))
        elif line.strip().startswith("99%"):
            value = line.split()[1]
            scale = {"us": 0.001, "ms": 1, "s": 1000}
            unit = next(u for u in ("us", "ms", "s") if value.endswith(u))
            result.setdefault("p99_ms", float(value[: -len(unit)]) * scale[unit])
        elif "Non-2xx" in line:
            result["non_2xx"] = int(line.split()[-1])
    result.setdefault("non_2xx", 0)
    return result


def rss_kb():
    with open(f"/proc/{args.server_pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])


env = {"BARISTA_KEY": args.publishable, "BENCH_PEOPLE": str(args.people), "BENCH_ITEMS": str(args.items)}
results = {"people": args.people, "items": args.items, "repeats": args.repeats, "seconds": args.seconds}

# 1. Ranking 200 items versus an empty handler: throughput at 32 connections (saturated, where p99
#    is mostly queueing), latency at 4 (the service time a page waits for).
log("ranking 200 items vs GET /health")
wrk("warmup-rank", args.url, "Benchmarks/wrk/rank.lua", env)
rank, health, light = [], [], []
for _ in range(args.repeats):
    rank.append(wrk("rank", args.url, "Benchmarks/wrk/rank.lua", env))
    health.append(wrk("health", args.url + "/health"))
    light.append(wrk("rank-c4", args.url, "Benchmarks/wrk/rank.lua", env, connections=4))
results["rank"] = {
    "requests_per_second": statistics.median(r["requests_per_second"] for r in rank),
    "p99_ms_at_32_connections": statistics.median(r["p99_ms"] for r in rank),
    "p50_ms": statistics.median(r["p50_ms"] for r in light),
    "p99_ms": statistics.median(r["p99_ms"] for r in light),
    "health_requests_per_second": statistics.median(r["requests_per_second"] for r in health),
    "non_2xx": sum(r["non_2xx"] for r in rank + light),
}
results["rank"]["ratio"] = results["rank"]["requests_per_second"] / results["rank"]["health_requests_per_second"]

# 2. Preview on the whole site (categories as the generator named them).
categories = []
for n in range(200):
    status, item = call("GET", f"/v1/items/sku-{n}")
    if status == 200 and item.get("category") and item["category"] not in categories:
        categories.append(item["category"])
rules = {
    "trait": {"trait": "email", "op": "exists"},
    "event window (1.6M events)": {"event": "Product Viewed", "within": "30d", "count": {"gte": 3}},
    "affinity": {"affinity": "category", "value": categories[0], "op": "gte", "score": 0.2},
    "prediction": {"prediction": "p_alive", "op": "lt", "value": 0.5},
    "group of four": {"all": [{"channel": "web"}, {"consent": "personalization", "is": True},
                              {"any": [{"intent": "browsing"}, {"geo": {"country": "GB"}}]},
                              {"not": {"event": "Order Completed", "within": "90d"}}]},
}
log("previewing")
preview = {}
for name, rule in rules.items():
    times, size = [], None
    for _ in range(7):
        start = time.perf_counter()
        status, body = call("POST", "/v1/segments:preview", {"rule": rule})
        times.append((time.perf_counter() - start) * 1000)
        assert status == 200, body
        size = body["size"]
    preview[name] = {"median_ms": statistics.median(times), "size": size}
    log(f"  {name}: median {preview[name]['median_ms']:.1f} ms, size {size}")
results["preview"] = preview

# 3. Ingestion without, with 50, and again without segments.
def segments(count):
    made = []
    for n in range(count):
        kind = n % 5
        if kind in (0, 1, 2):
            rule = {"event": "Product Viewed", "within": f"{1 + n % 30}d", "count": {"gte": 2 + n % 7}}
        elif kind == 3:
            rule = {"all": [{"affinity": "category", "value": categories[n % len(categories)], "op": "gte", "score": 0.1}, {"channel": "web"}]}
        else:
            rule = {"any": [{"prediction": "p_alive", "op": "lt", "value": 0.3}, {"trait": "plan", "op": "eq", "value": "pro"},
                            {"intent": "shopping"}]}
        made.append({"key": f"bench-{n}", "rule": rule, "persona": n % 10 == 0, "priority": n})
    return made

ingest_env = {"BARISTA_KEY": args.secret}
log("ingesting without segments")
wrk("warmup-ingest", args.url, "Benchmarks/wrk/ingest.lua", ingest_env)
before = wrk("ingest-0", args.url, "Benchmarks/wrk/ingest.lua", ingest_env)
log("creating 50 segments")
start = time.perf_counter()
for definition in segments(50):
    status, body = call("POST", "/v1/segments", definition)
    assert status == 201, body
create_seconds = time.perf_counter() - start
status, listed = call("GET", "/v1/segments")
with_segments = wrk("ingest-50", args.url, "Benchmarks/wrk/ingest.lua", ingest_env)
memory_with = rss_kb()
for definition in segments(50):
    call("DELETE", f"/v1/segments/{definition['key']}")
after = wrk("ingest-0-again", args.url, "Benchmarks/wrk/ingest.lua", ingest_env)
baseline = (before["events_per_second"] + after["events_per_second"]) / 2
results["ingest"] = {
    "without_events_per_second": [before["events_per_second"], after["events_per_second"]],
    "with_50_segments_events_per_second": with_segments["events_per_second"],
    "ratio": with_segments["events_per_second"] / baseline,
    "create_50_seconds": create_seconds,
    "sizes": {s["key"]: s["size"] for s in listed["segments"][:10]},
    "rss_kb_with_segments": memory_with,
    "non_2xx": before["non_2xx"] + with_segments["non_2xx"] + after["non_2xx"],
}

bars = {
    "rank p99 ≤ 5 ms (4 connections)": results["rank"]["p99_ms"] <= 5,
    "every preview < 1000 ms": all(p["median_ms"] < 1000 for p in preview.values()),
    "no errors": results["rank"]["non_2xx"] == 0 and results["ingest"]["non_2xx"] == 0,
}
results["bars"] = bars
with open(args.results, "w") as out:
    json.dump(results, out, indent=2)

r, i = results["rank"], results["ingest"]
print(f"rank 200 items      {r['requests_per_second']:9.0f} req/s (p99 {r['p99_ms_at_32_connections']:.1f} ms at 32 connections)  vs /health {r['health_requests_per_second']:.0f}/s  ratio {r['ratio']:.2f}")
print(f"rank, 4 connections  p50 {r['p50_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms")
for name, p in preview.items():
    print(f"preview {name:<28} {p['median_ms']:8.1f} ms  size {p['size']}")
print(f"ingest without      {i['without_events_per_second'][0]:9.0f} / {i['without_events_per_second'][1]:.0f} events/s")
print(f"ingest 50 segments  {i['with_50_segments_events_per_second']:9.0f} events/s  ratio {i['ratio']:.2f}  (50 created in {i['create_50_seconds']:.1f} s)")
for name, ok in bars.items():
    print(f"{'met ' if ok else 'MISSED'} {name}")
print(f"results: {args.results}")
sys.exit(0 if all(bars.values()) else 1)
