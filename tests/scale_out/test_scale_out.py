#!/usr/bin/env python3
"""Scale-out path test (label "scale_out"; tests/scale_out/CMakeLists.txt). Standard library only.

1. Runs a durable headless scenario (`cityops --headless --data-dir`), which writes cityops.db and the
   raw archive (archive/<topic>/year=/month=/day=/hour=/*.jsonl.gz).
2. Validates every archived line against the published schemas (docs/scale-out/validate_archive.py).
3. Computes the hourly aggregates from the archive with docs/scale-out/hourly_report.py --local (the
   stdlib fallback of the PySpark job, same partition folders) and compares them with what CityOps
   stored in SQLite: the stream job's 5-minute windows rolled up to hours, and the hourly rows of
   `cityops batch hourly`.
4. Checks the published schemas and Flink tables against the engine's codec (every metric and kind),
   and the report's and validator's rules on a hand-made archive (duplicates, hidden files, bad lines).

    test_scale_out.py --cityops BIN --source-dir S [--keep]
"""
import argparse
import gzip
import json
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

FAILURES = []
HOUR_MS = 3_600_000


def check(condition, message):
    print(("ok   " if condition else "FAIL ") + message, flush=True)
    if not condition:
        FAILURES.append(message)
    return condition


def run(cmd, **kwargs):
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kwargs)


def codec_names(source_dir):
    """Metric names by enum value, and kind names, as the engine encodes them (reading.h + reading.cpp)."""
    header = (source_dir / "engine/include/cityops/engine/reading.h").read_text()
    body = (source_dir / "engine/src/reading.cpp").read_text()
    metric_enum = re.search(r"enum class Metric[^{]*\{(.*?)\};", header, re.S).group(1)
    metric_enum = re.sub(r"//[^\n]*", "", metric_enum)
    metrics = [m.strip() for m in metric_enum.split(",") if m.strip()]
    kind_enum = re.search(r"enum class SensorKind[^{]*\{(.*?)\};", header, re.S).group(1)
    kinds = [k.strip() for k in kind_enum.split(",") if k.strip()]

    def names(function, enum_type):
        text = body[body.index(f"std::string_view {function}({enum_type} "):]
        text = text[:text.index("\n}\n")]
        return dict(re.findall(rf"case {enum_type}::(\w+):\s*return \"(\w+)\";", text))

    metric_names = names("toString", "Metric")
    kind_names = names("toString", "SensorKind")
    return [metric_names[m] for m in metrics], [kind_names[k] for k in kinds]


def load_module(path):
    import importlib.util
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_archive_file(path, lines):
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for line in lines:
            f.write(json.dumps(line, separators=(",", ":")) + "\n")


def payload_line(offset, sensor, metric, value, seq, ts, kind="air_quality", topic="air-quality"):
    payload = {"event_id": f"{sensor}-{seq}", "sensor_id": sensor, "type": kind, "metric": metric,
               "value": value, "timestamp": ts, "seq": seq, "location_id": 1}
    return {"ts": ts, "topic": topic, "partition": 0, "offset": offset, "key": sensor, "flags": 0,
            "payload": json.dumps(payload, separators=(",", ":"))}


def check_rules_on_hand_made_archive(work, scale_out):
    """Duplicates, hidden files, both reading forms and ISO timestamps; bad lines caught by the validator."""
    report = load_module(scale_out / "hourly_report.py")
    validator = load_module(scale_out / "validate_archive.py")
    archive = work / "handmade"
    hour = 1_795_413_600_000  # 2026-11-23T06:00:00Z
    folder = archive / "air-quality/year=2026/month=11/day=23/hour=06"
    lines = [
        payload_line(0, 7, "co2", 500.0, 1, hour + 1000),
        payload_line(1, 7, "co2", 700.5, 2, hour + 2000),
        payload_line(1, 7, "co2", 700.5, 2, hour + 2000),          # archived twice (same offset)
        payload_line(2, 7, "co2", 700.5, 2, hour + 2000),          # sent twice (same seq)
        payload_line(3, 7, "pm25", 12.25, 2, hour + 2000),         # same transmission, other metric
        {"ts": hour + 3000, "topic": "air-quality", "partition": 1, "offset": 0, "key": 8, "flags": 1,
         "reading": {"sensor_id": 8, "location_id": 2, "kind": "noise", "metric": "noise_db", "value": 61.5,
                     "seq": 4}},
    ]
    iso = payload_line(4, 7, "co2", 900.0, 3, hour + 4000)
    body = json.loads(iso["payload"])
    body["timestamp"] = "2026-11-23T06:00:04.000Z"
    iso["payload"] = json.dumps(body)
    lines.append(iso)
    write_archive_file(folder / "part-1-0.jsonl.gz", lines)
    write_archive_file(folder / ".part-2-0.jsonl.gz.tmp", [payload_line(9, 7, "co2", 1e6, 9, hour)])  # unpublished
    (archive / "_index.db").write_bytes(b"not read")
    groups = report.local_report(str(archive), ["air-quality"])
    co2 = groups.get(("air-quality", 7, "co2", hour))
    check(co2 == [3, 2100.5, 500.0, 900.0], f"local report: duplicates dropped, hidden file skipped, ISO time read ({co2})")
    check(groups.get(("air-quality", 7, "pm25", hour)) == [1, 12.25, 12.25, 12.25], "local report keeps another metric of the same transmission")
    check(groups.get(("air-quality", 8, "noise_db", hour)) == [1, 61.5, 61.5, 61.5], "local report reads the binary-reading form")

    schemas = validator.load_schemas(str(scale_out / "schemas"))
    files, count, problems = validator.validate_archive(str(archive), schemas)
    check(files == 1 and count == len(lines) and not problems, f"hand-made archive validates ({problems[:3]})")
    bad = [
        payload_line(10, 7, "temperature", 20.0, 5, hour),                     # metric of another type
        payload_line(11, 7, "co2", "high", 6, hour),                            # value not a number
        dict(payload_line(12, 7, "co2", 1.0, 7, hour), topic="energy-data"),     # wrong folder
        payload_line(13, 7, "co2", 1.0, 8, hour + HOUR_MS),                     # wrong hour folder
        {"ts": hour, "topic": "air-quality", "partition": 0, "offset": 14, "key": 7, "flags": 0},  # no record
    ]
    missing_field = payload_line(15, 7, "co2", 1.0, 9, hour)
    missing_field["payload"] = json.dumps({k: v for k, v in json.loads(missing_field["payload"]).items() if k != "timestamp"})
    bad.append(missing_field)
    write_archive_file(folder / "part-3-0.jsonl.gz", bad)
    files, count, problems = validator.validate_archive(str(archive), schemas)
    bad_lines = {p.split(": ", 1)[0] for p in problems}
    check(len(bad_lines) == len(bad), f"validator names each of the {len(bad)} bad lines ({len(bad_lines)}): {problems}")


def check_published_files(source_dir, scale_out):
    metrics, kinds = codec_names(source_dir)
    schemas = {p.stem: json.loads(p.read_text()) for p in (scale_out / "schemas").glob("*.json")}
    topics = sorted(k for k in schemas if k != "archive-line")
    check(len(topics) == 6, f"a schema per reading topic: {topics}")
    schema_metrics = {m for t in topics for m in schemas[t]["properties"]["metric"]["enum"]}
    schema_kinds = {k for t in topics for k in schemas[t]["properties"]["type"]["enum"]}
    check(set(metrics) <= schema_metrics, f"topic schemas cover every codec metric (missing {set(metrics) - schema_metrics})")
    check(set(kinds) <= schema_kinds, f"topic schemas cover every sensor kind (missing {set(kinds) - schema_kinds})")
    line = schemas["archive-line"]["properties"]
    check(set(metrics) <= set(line["reading"]["properties"]["metric"]["enum"]), "archive-line schema covers every metric")
    check(sorted(line["topic"]["enum"]) == topics, "archive-line topics are the schema files")
    flink = (scale_out / "flink_tables.sql").read_text()
    full = {m.group(1): (m.group(2), m.group(3))
            for m in re.finditer(r"CREATE TABLE (\w+) \((.*?)\n\) WITH \((.*?)\n\);", flink, re.S)}
    for topic in topics:
        table = topic.replace("-", "_")
        like = re.search(rf"CREATE TABLE {table} WITH \((.*?)\) LIKE (\w+);", flink)
        if table in full:
            columns_text, options = full[table]
        elif check(like is not None and like.group(2) in full, f"Flink table {table} LIKE a full table"):
            columns_text, options = full[like.group(2)][0], like.group(1)
        else:
            continue
        columns = {c.strip("`") for c in re.findall(r"^\s+(`?\w+`?)\s", columns_text, re.M)}
        props = set(schemas[topic]["properties"])
        check(props <= columns, f"Flink table {table} has every schema member (missing {props - columns})")
        check(f"'topic' = '{topic}'" in options, f"Flink table {table} reads topic {topic}")


def stored_hours(db, metrics, window_ms):
    """{(sensor, metric name, hour_start_ms): [count, sum, min, max]} from window_aggregates rows."""
    rows = db.execute("SELECT sensor_id, metric, window_start_ms, count, sum, min, max FROM window_aggregates "
                      "WHERE window_size_ms = ?", (window_ms,)).fetchall()
    hours = {}
    for sensor, metric, start, count, total, lo, hi in rows:
        key = (sensor, metrics[metric], start // HOUR_MS * HOUR_MS)
        h = hours.setdefault(key, [0, 0.0, math.inf, -math.inf])
        h[0] += count
        h[1] += total
        h[2] = min(h[2], lo)
        h[3] = max(h[3], hi)
    return hours, len(rows)


def compare(archive_hours, stored, what):
    check(len(stored) > 0, f"{what}: stored hours present ({len(stored)})")
    only_archive = sorted(set(archive_hours) - set(stored))[:5]
    only_stored = sorted(set(stored) - set(archive_hours))[:5]
    check(not only_archive and not only_stored,
          f"{what}: the same (sensor, metric, hour) groups (archive only {only_archive}, stored only {only_stored})")
    differing = []
    for key in set(archive_hours) & set(stored):
        a, s = archive_hours[key], stored[key]
        if a[0] != s[0] or a[2] != s[2] or a[3] != s[3] or not math.isclose(a[1], s[1], rel_tol=1e-9, abs_tol=1e-6):
            differing.append((key, a, s))
    check(not differing, f"{what}: count, sum, min, max agree in all {len(stored)} groups {differing[:3]}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cityops", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--scenario", default="co2-episode")
    parser.add_argument("--duration", default="2h")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    source_dir = Path(args.source_dir)
    scale_out = source_dir / "docs/scale-out"
    work = Path(tempfile.mkdtemp(prefix="cityops-scale-out-"))
    try:
        check_published_files(source_dir, scale_out)
        check_rules_on_hand_made_archive(work, scale_out)

        data = work / "data"
        r = run([args.cityops, "--headless", "--scenario", args.scenario, "--duration", args.duration,
                 "--speed", "max", "--workers", "2", "--data-dir", data], timeout=600)
        summary = dict(line.split(": ", 1) for line in r.stdout.splitlines() if ": " in line)
        if not check(r.returncode == 0, f"durable headless run (exit {r.returncode}) {r.stderr.strip()[:500]}"):
            return 1
        archived = int(summary.get("archived_records", "0"))
        check(archived > 0 and summary.get("archive_problems") == "0", f"archive written and verified ({archived} records)")

        r = run([sys.executable, scale_out / "validate_archive.py", "--archive", data / "archive"], timeout=600)
        print(r.stdout[-2000:])
        check(r.returncode == 0 and f"lines: {archived}" in r.stdout,
              "every archived line matches the published schemas")

        out = work / "hourly.csv"
        r = run([sys.executable, scale_out / "hourly_report.py", "--local", "--archive", data / "archive",
                 "--out", out], timeout=600)
        check(r.returncode == 0 and out.exists(), f"hourly_report.py --local runs {r.stderr.strip()[:500]}")
        archive_hours = {}
        with open(out, encoding="utf-8") as f:
            header = f.readline().strip().split(",")
            check(header == ["topic", "sensor_id", "metric", "hour_start_ms", "count", "sum", "min", "max", "avg"],
                  "report columns")
            for row in f:
                topic, sensor, metric, hour, count, total, lo, hi, avg = row.strip().split(",")
                archive_hours[(int(sensor), metric, int(hour))] = [int(count), float(total), float(lo), float(hi)]
        reported = sum(v[0] for v in archive_hours.values())
        check(reported == archived - int(summary.get("duplicates_dropped", "0")),
              f"the report counts every archived reading once ({reported} of {archived})")

        metrics, _ = codec_names(source_dir)
        db = sqlite3.connect(f"file:{data / 'cityops.db'}?mode=ro", uri=True)
        window_ms = 300_000
        late = int(summary.get("late_events", "0"))
        stream_hours, rows = stored_hours(db, metrics, window_ms)
        if late == 0:
            compare(archive_hours, stream_hours, f"stream job's {rows} five-minute windows rolled up to hours")
        else:
            print(f"note: {late} late readings were left out of the stream windows; comparing with batch only")
        db.close()

        r = run([args.cityops, "batch", "hourly", "--data-dir", data], timeout=600)
        check(r.returncode == 0, f"cityops batch hourly runs {r.stderr.strip()[:300]}")
        db = sqlite3.connect(f"file:{data / 'cityops.db'}?mode=ro", uri=True)
        batch_hours, rows = stored_hours(db, metrics, HOUR_MS)
        db.close()
        compare(archive_hours, batch_hours, f"batch job's {rows} hourly rows")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if FAILURES:
        print(f"\n{len(FAILURES)} check(s) failed:\n  " + "\n  ".join(FAILURES))
        return 1
    print("\nall scale-out checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
