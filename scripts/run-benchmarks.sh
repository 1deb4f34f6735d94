#!/usr/bin/env bash
# Builds a Release tree and runs the benchmarks described in docs/benchmarks.md:
#   1. `docent metrics` against `radon cc -j`, `radon hal -j` and `radon mi -j` (hyperfine),
#   2. peak RSS of `docent metrics` (/usr/bin/time -v),
#   3. bench/parse_vs_analyze: single-threaded analysis vs tree-sitter parsing alone,
#   4. bench/edit_latency: one-character edits + re-analysis of typing.py.
# Progress and the raw outputs go to stderr; the summary is a Markdown table on stdout.
# Usage: scripts/run-benchmarks.sh [PYTHON_TREE]   (default: /usr/lib/python3.11)
# Environment: RUNS (hyperfine runs of the cc and hal comparisons, default 5), MI_RUNS (runs of
# the mi comparison, default 3; radon mi takes minutes), ROUNDS (parse_vs_analyze rounds,
# default 5), EDIT_PAIRS (default 1000), BOUND_MS (parse time bound, default 5), EDIT_FILE
# (default: typing.py of the tree), KEEP=dir (keep the raw outputs there, not in a temporary
# folder).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tree="${1:-/usr/lib/python3.11}"
runs="${RUNS:-5}"
mi_runs="${MI_RUNS:-3}"
rounds="${ROUNDS:-5}"
edit_pairs="${EDIT_PAIRS:-1000}"
bound_ms="${BOUND_MS:-5}"
edit_file="${EDIT_FILE:-$tree/typing.py}"
build="$root/build/release"
docent="$build/lsp/docent"

for tool in hyperfine radon python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "run-benchmarks: $tool is required" >&2; exit 2; }
done

if [[ -n "${KEEP:-}" ]]; then
  work="$KEEP"
  mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi

log() { echo "== $* (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2; }

log "building Release in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" >&2

{
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "nproc: $(nproc)"
  echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
  echo "radon: $(radon --version)"
  echo "hyperfine: $(hyperfine --version)"
  echo "files: $(find "$tree" -name '*.py' | wc -l)"
} >"$work/machine.txt"
cat "$work/machine.txt" >&2

# Compares docent metrics with one radon command; hyperfine's JSON goes to $work/$1.json.
compare() {
  local name="$1" count="$2" warmup="$3" peer="$4"
  log "hyperfine: docent metrics vs $peer"
  uptime >"$work/$name.load"
  hyperfine --warmup "$warmup" --runs "$count" --export-json "$work/$name.json" \
    "$docent metrics $tree" "$peer" >&2
  uptime >>"$work/$name.load"
}

compare cc "$runs" 1 "radon cc -j $tree"
compare hal "$runs" 1 "radon hal -j $tree"
# radon's raw counting (which mi uses) is quadratic on pydoc_data/topics.py (~9 minutes).
compare mi "$mi_runs" 0 "radon mi -j -e '*pydoc_data/topics.py' $tree"

log "peak RSS of docent metrics (3 runs)"
for _ in 1 2 3; do
  /usr/bin/time -v "$docent" metrics "$tree" 2>&1 >/dev/null |
    sed -n 's/^\s*Maximum resident set size (kbytes): //p'
done >"$work/rss.txt"
/usr/bin/time -v radon cc -j "$tree" 2>&1 >/dev/null |
  sed -n 's/^\s*Maximum resident set size (kbytes): //p' >"$work/rss_radon.txt"

log "parse_vs_analyze ($rounds rounds)"
"$build/bench/parse_vs_analyze" "$tree" "$rounds" | tee "$work/parse.txt" >&2

log "edit_latency ($edit_pairs edit pairs, bound $bound_ms ms)"
"$build/bench/edit_latency" "$edit_file" "$edit_pairs" "$bound_ms" | tee "$work/edit.txt" >&2
log "done; raw outputs in $work"

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]

def hyperfine(name):
    """(median wall, mean user+system CPU) of docent and of the peer, in seconds."""
    results = json.load(open(f"{work}/{name}.json"))["results"]
    return [(r["median"], r["user"] + r["system"]) for r in results]

def keyed(path, prefix):
    """'key value' lines of a benchmark's output that start with `prefix`."""
    values = {}
    for line in open(path):
        if line.startswith(prefix):
            key, _, value = line[len(prefix):].strip().rpartition(" ")
            values[key] = float(value)
    return values

def scenario(name):
    for line in open(f"{work}/edit.txt"):
        if line.startswith(f"scenario {name}:"):
            fields = [f.strip().rsplit(" ", 1) for f in line.split(":", 1)[1].split(",")]
            return {key: float(value) for key, value in fields}
    raise SystemExit(f"no scenario {name}")

def verdict(ok):
    return "met" if ok else "**missed**"

print(open(f"{work}/machine.txt").read().replace("\n", "  \n"))
for name in ("cc", "hal", "mi"):
    loads = [line.split("load average:")[1].strip() for line in open(f"{work}/{name}.load")]
    print(f"load average around the {name} comparison: {' then '.join(loads)}  ")
print()
print("| Measurement | docent | peer / reference | ratio | target | result |")
print("|---|---|---|---|---|---|")
for name, peer, target in [("cc", "radon cc -j", 1 / 3), ("hal", "radon hal -j", None),
                           ("mi", "radon mi -j -e '*pydoc_data/topics.py'", None)]:
    (docent, docent_cpu), (other, other_cpu) = hyperfine(name)
    ratio = docent / other
    goal = "≤ 0.333" if target else "—"
    result = verdict(ratio <= target) if target else "—"
    print(f"| `docent metrics` vs `{peer}`, median wall | {docent:.2f} s | {other:.2f} s "
          f"| {ratio:.3f} | {goal} | {result} |")
    print(f"| same, CPU time (user+sys, mean) | {docent_cpu:.2f} s | {other_cpu:.2f} s "
          f"| {docent_cpu / other_cpu:.3f} | — | — |")
rss = sorted(int(x) for x in open(f"{work}/rss.txt").read().split())
rss_radon = int(open(f"{work}/rss_radon.txt").read().split()[0])
print(f"| peak RSS of `docent metrics` (median of 3) | {rss[len(rss) // 2] / 1024:.0f} MiB "
      f"| {rss_radon / 1024:.0f} MiB (`radon cc -j`) | — | — | — |")
for clock in ("cpu", "wall"):
    parse = keyed(f"{work}/parse.txt", clock + " ")
    print(f"| parse+analyze vs parse only, 1 thread, {clock} (median) "
          f"| {parse['parse_analyze_ms']:.0f} ms | {parse['parse_ms']:.0f} ms "
          f"| {parse['ratio']:.3f} | ≤ 1.3 | {verdict(parse['ratio'] <= 1.3)} |")
print()
print("Edit + re-analysis latency, ms (wall unless marked CPU):")
print()
print("| Scenario | edits | median | p90 | p99 | max | CPU median / p99 | parse median / p90 "
      "/ p99 | analysis median | timed out / provisional | longest unsettled run "
      "| catch-up calls / ms | target | result |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
for name, median_goal, p99_goal in [
        ("clean", None, None), ("clean+bound", None, None), ("broken", None, None),
        ("broken+bound", None, 50), ("clean+bound+server", None, None),
        ("clean+bound+server+idle", 1, 10), ("broken+bound+server", None, 50)]:
    s = scenario(name)
    goals, ok = [], True
    if median_goal:
        goals.append(f"median ≤ {median_goal}")
        ok &= s["median"] <= median_goal
    if p99_goal:
        goals.append(f"p99 ≤ {p99_goal}")
        ok &= s["p99"] <= p99_goal
    result = verdict(ok) if goals else "—"
    if goals and ok and s["longest unsettled run"] > 0:
        result += f" (but up to {s['longest unsettled run']:.0f} edits in a row unsettled)"
    print(f"| {name} | {s['edits']:.0f} | {s['median']:.2f} | {s['p90']:.2f} | {s['p99']:.2f} "
          f"| {s['max']:.2f} | {s['cpu median']:.2f} / {s['cpu p99']:.2f} "
          f"| {s['parse median']:.2f} / {s['parse p90']:.2f} / {s['parse p99']:.2f} "
          f"| {s['analyze median']:.2f} | {s['timed out']:.0f} / {s['provisional']:.0f} "
          f"| {s['longest unsettled run']:.0f} "
          f"| {s['catch-up calls']:.0f} / {s['catch-up ms']:.1f} "
          f"| {', '.join(goals) or '—'} | {result} |")
PY
