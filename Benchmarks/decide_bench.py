"""The measuring half of scripts/bench-decide.sh: 20 running experiences over 3 placements, then
POST /v1/decide against GET /health on the same server. Prints a table, writes the results JSON,
exits 1 when a bar is missed."""
import argparse, json, os, statistics, subprocess, sys, urllib.error, urllib.request

parser = argparse.ArgumentParser()
for name in ("url", "secret", "publishable", "work", "results"):
    parser.add_argument("--" + name, required=True)
for name in ("people", "repeats", "seconds"):
    parser.add_argument("--" + name, type=int, required=True)
args = parser.parse_args()


def call(method, path, body=None):
    request = urllib.request.Request(args.url + path, data=json.dumps(body).encode() if body is not None else None, method=method,
                                     headers={"Authorization": "Bearer " + args.secret, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def wrk(target, script=None, connections=32):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{args.seconds}s", "--latency"] + (["-s", script] if script else []) + [target]
    env = {**os.environ, "BARISTA_KEY": args.publishable, "BENCH_PEOPLE": str(args.people)}
    output = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    for line in output.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line.split(" ", 1)[1])
    rps = next(float(l.split()[1]) for l in output.splitlines() if l.startswith("Requests/sec:"))
    return {"requests_per_second": rps, "non_2xx": 0}


for key, rule in [("buyers", {"event": "Order Completed", "count": {"gte": 1}}), ("browsers", {"event": "Product Viewed", "within": "30d", "count": {"gte": 5}})]:
    status, body = call("POST", "/v1/segments", {"key": key, "rule": rule})
    assert status == 201, body
placements = ["home_hero"] * 8 + ["category_banner"] * 6 + ["cart_offer"] * 6
allocations = [{"type": "ab", "weights": {"a": 50, "b": 50}}, {"type": "bandit"}, {"type": "contextual_bandit"}]
for n, placement in enumerate(placements):
    experience = {"key": f"exp-{n}", "placement": placement, "status": "running", "priority": n % 7, "control_percent": 10,
                  "allocation": allocations[n % 3],
                  "variants": [{"key": "a", "payload": {"headline": f"A{n}"}}, {"key": "b", "payload": {"headline": f"B{n}"}}]}
    if n % 4 == 1:
        experience["audience"] = {"segment": "buyers" if n % 8 == 1 else "browsers"}
    if placement == "cart_offer" and n % 6 == 2:
        experience["priority"] = 9
        experience["variants"][1] = {"key": "b", "recommendations": {"strategy": "trending", "limit": 4}}
    status, body = call("POST", "/v1/experiences", experience)
    assert status == 201, body

wrk(args.url, "Benchmarks/wrk/decide.lua")  # warm-up
light, heavy, health = [], [], []
for _ in range(args.repeats):
    light.append(wrk(args.url, "Benchmarks/wrk/decide.lua", connections=4))
    heavy.append(wrk(args.url, "Benchmarks/wrk/decide.lua"))
    health.append(wrk(args.url + "/health"))
results = {
    "p50_ms": statistics.median(r["p50_ms"] for r in light), "p99_ms": statistics.median(r["p99_ms"] for r in light),
    "requests_per_second": statistics.median(r["requests_per_second"] for r in heavy),
    "p99_ms_at_32_connections": statistics.median(r["p99_ms"] for r in heavy),
    "health_requests_per_second": statistics.median(r["requests_per_second"] for r in health),
    "non_2xx": sum(r["non_2xx"] for r in light + heavy),
}
results["ratio"] = results["requests_per_second"] / results["health_requests_per_second"]
bars = {"decide p99 ≤ 5 ms (4 connections)": results["p99_ms"] <= 5, "no errors": results["non_2xx"] == 0}
results["bars"] = bars
with open(args.results, "w") as out:
    json.dump(results, out, indent=2)
print(f"decide, 3 placements, 20 experiences, 4 connections: p50 {results['p50_ms']:.2f} ms, p99 {results['p99_ms']:.2f} ms")
print(f"decide at 32 connections: {results['requests_per_second']:.0f} req/s (p99 {results['p99_ms_at_32_connections']:.1f} ms) "
      f"vs /health {results['health_requests_per_second']:.0f} req/s: ratio {results['ratio']:.2f}")
for name, ok in bars.items():
    print(f"{'met ' if ok else 'MISSED'} {name}")
print(f"results: {args.results}")
sys.exit(0 if all(bars.values()) else 1)
