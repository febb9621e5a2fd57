#!/usr/bin/python3
"""Driver of scripts/bench-retail-peers.sh: runs bench_retail, pandas and DuckDB on the same generated CSVs,
keeps each tool's best run (lowest total), checks that the three agree and prints one JSON object.

Usage: retail_peers.py <bench_retail> <tmpdir> <rows>[:<runs>] ...
"""
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def peak_rss_of(cmd):
    """Runs cmd under os.wait4 to read its peak RSS; returns (result, wall, rss bytes)."""
    start = time.perf_counter()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.dup2(write_fd, 1)
        os.close(read_fd)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.execvp(cmd[0], cmd)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        out = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed with status {status}")
    return json.loads(out.strip().splitlines()[-1]), wall, usage.ru_maxrss * 1024


def results_of(r):
    return {"final_rows": r["final_rows"], "top5": [[c, int(u)] for c, u in r["top5"]],
            "avg_by_payment": {k: round(float(v), 2) for k, v in r["avg_by_payment"].items()},
            "avg_by_location": {k: round(float(v), 2) for k, v in r["avg_by_location"].items()}}


def main():
    bench, tmp = sys.argv[1], sys.argv[2]
    tools = {
        "cityops": lambda csv: [bench, "--csv", csv],
        "pandas": lambda csv: ["/usr/bin/python3", os.path.join(HERE, "retail_pandas.py"), csv],
        "duckdb": lambda csv: ["node", os.path.join(HERE, "retail_duckdb.mjs"), csv, "2"],
    }
    skip = set(filter(None, os.environ.get("SKIP_TOOLS", "").split(",")))
    sizes = []
    for spec in sys.argv[3:]:
        rows, _, runs = spec.partition(":")
        rows, runs = int(rows), int(runs or 1)
        csv = os.path.join(tmp, f"retail_{rows}.csv")
        if not os.path.exists(csv):
            t = time.perf_counter()
            subprocess.run([bench, "--generate", csv, str(rows)], check=True)
            print(f"generated {csv} ({os.path.getsize(csv)} bytes) in {time.perf_counter() - t:.1f} s",
                  file=sys.stderr)
        entry = {"rows": rows, "csv_bytes": os.path.getsize(csv), "runs": runs, "tools": {}}
        for name, cmd in tools.items():
            if name in skip:
                continue
            best = None
            for _ in range(runs):
                result, wall, rss = peak_rss_of(cmd(csv))
                print(f"{rows} rows {name}: total {result['total_s']:.3f} s, process {wall:.2f} s, "
                      f"peak RSS {rss / 2**20:.0f} MiB", file=sys.stderr)
                if best is None or result["total_s"] < best["total_s"]:
                    best = dict(result, process_wall_s=round(wall, 3), peak_rss_bytes=rss)
            entry["tools"][name] = best
        reference = results_of(entry["tools"]["cityops"]) if "cityops" in entry["tools"] else None
        entry["agree"] = {name: results_of(r) == reference for name, r in entry["tools"].items()}
        ours = entry["tools"].get("cityops")
        for peer in ("pandas", "duckdb"):
            if ours and peer in entry["tools"]:
                entry[f"speedup_vs_{peer}"] = round(entry["tools"][peer]["total_s"] / ours["total_s"], 2)
        sizes.append(entry)
    print(json.dumps({"benchmark": "retail_peers", "cores": os.cpu_count(),
                      "load_average": os.getloadavg(), "sizes": sizes}))
    return 0 if all(all(e["agree"].values()) for e in sizes) else 2


if __name__ == "__main__":
    sys.exit(main())
