#!/usr/bin/env python3
"""Hourly aggregates per (topic, sensor, metric, hour) from the CityOps raw archive.

The archive (engine/src/archive, docs/STORAGE.md) is gzip JSON Lines under
    <archive>/<topic>/year=YYYY/month=MM/day=DD/hour=HH/part-<ms>-<n>.jsonl.gz
one line per record: {"ts":..., "topic":..., "partition":..., "offset":..., "key":..., "flags":...,
and the reading either as "payload" (the JSON event text, docs/EVENT_FORMAT.md), as "reading" (an
object, for the engine's binary readings) or as "payload_b64" (other bytes, skipped here)}.

Two modes compute the same table, written as CSV with the columns
    topic,sensor_id,metric,hour_start_ms,count,sum,min,max,avg
  * Spark (default):   spark-submit hourly_report.py --archive hdfs:///cityops/archive --out hourly/
  * --local fallback:  python3 hourly_report.py --local --archive DIR/archive --out hourly.csv
    Standard library only (gzip + json), reading the same partition folders the Spark code reads and
    skipping the same hidden names ('.' and '_' prefixes, e.g. '.part-*.tmp' and '_index.db').

Both drop repeated archive records (same topic, partition, offset: the archiver is at-least-once)
and then repeated transmissions (same sensor, metric and seq: what the stream job's dedup drops),
and bucket by the event time of the reading (UTC hour). See docs/SCALE_OUT.md.
"""
import argparse
import csv
import datetime
import gzip
import json
import math
import os
import sys

TOPICS = ["traffic-events", "air-quality", "temperature-data", "parking-events", "emergency-events", "energy-data"]
HOUR_MS = 3_600_000
COLUMNS = ["topic", "sensor_id", "metric", "hour_start_ms", "count", "sum", "min", "max", "avg"]


def event_time_ms(value, fallback):
    """Payload "timestamp": ms since the epoch, or ISO-8601 UTC text (docs/EVENT_FORMAT.md)."""
    if isinstance(value, bool) or value is None:
        return fallback
    if isinstance(value, (int, float)):
        return int(value)
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.timezone.utc)
    return int(round(parsed.timestamp() * 1000))


def reading_of(line):
    """(sensor_id, metric, value, seq, event_ms) of one archive line, or None for opaque payloads."""
    if "reading" in line:
        r = line["reading"]
        return r["sensor_id"], r["metric"], r["value"], r["seq"], r.get("event_time_ms", line["ts"])
    if "payload" in line:
        p = json.loads(line["payload"])
        return p["sensor_id"], p["metric"], p["value"], p.get("seq", 0), event_time_ms(p.get("timestamp"), line["ts"])
    return None


def archive_files(archive, topic):
    """The files Spark reads under <archive>/<topic>: partition folders key=value, hidden names skipped."""
    root = os.path.join(archive, topic)
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
        for name in sorted(files):
            if not name.startswith((".", "_")) and name.endswith(".jsonl.gz"):
                yield os.path.join(folder, name)


def local_report(archive, topics):
    """The stdlib fallback: {(topic, sensor, metric, hour_start_ms): [count, sum, min, max]}."""
    seen_records = set()
    seen_readings = set()
    groups = {}
    for topic in topics:
        for path in archive_files(archive, topic):
            with gzip.open(path, "rt", encoding="utf-8") as f:
                for text in f:
                    line = json.loads(text)
                    record_id = (line.get("topic", topic), line.get("partition"), line.get("offset"))
                    if record_id in seen_records:
                        continue
                    seen_records.add(record_id)
                    reading = reading_of(line)
                    if reading is None:
                        continue
                    sensor, metric, value, seq, event_ms = reading
                    if (sensor, metric, seq) in seen_readings:
                        continue
                    seen_readings.add((sensor, metric, seq))
                    if value is None or not math.isfinite(value):
                        continue
                    key = (topic, sensor, metric, event_ms // HOUR_MS * HOUR_MS)
                    g = groups.get(key)
                    if g is None:
                        groups[key] = [1, value, value, value]
                    else:
                        g[0] += 1
                        g[1] += value
                        g[2] = min(g[2], value)
                        g[3] = max(g[3], value)
    return groups


def write_local(groups, out):
    with open(out, "w", newline="", encoding="utf-8") if out != "-" else sys.stdout as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(COLUMNS)
        for key in sorted(groups):
            count, total, lo, hi = groups[key]
            writer.writerow([*key, count, repr(total), repr(lo), repr(hi), repr(total / count)])


def spark_report(archive, topics, out):
    """The same aggregates with PySpark (not run in CityOps' CI: see docs/SCALE_OUT.md)."""
    from pyspark.sql import SparkSession, functions as F, types as T

    spark = SparkSession.builder.appName("cityops-hourly-report").getOrCreate()
    reading_struct = T.StructType([
        T.StructField("sensor_id", T.LongType()), T.StructField("location_id", T.LongType()),
        T.StructField("kind", T.StringType()), T.StructField("metric", T.StringType()),
        T.StructField("value", T.DoubleType()), T.StructField("seq", T.LongType()),
        T.StructField("event_time_ms", T.LongType())])
    line_schema = T.StructType([
        T.StructField("ts", T.LongType()), T.StructField("topic", T.StringType()),
        T.StructField("partition", T.IntegerType()), T.StructField("offset", T.LongType()),
        T.StructField("key", T.LongType()), T.StructField("flags", T.IntegerType()),
        T.StructField("reading", reading_struct), T.StructField("payload", T.StringType()),
        T.StructField("payload_b64", T.StringType())])
    # The payload's timestamp is read as text: it may be a number (ms) or ISO-8601 UTC.
    payload_schema = T.StructType([
        T.StructField("event_id", T.StringType()), T.StructField("sensor_id", T.LongType()),
        T.StructField("type", T.StringType()), T.StructField("metric", T.StringType()),
        T.StructField("value", T.DoubleType()), T.StructField("timestamp", T.StringType()),
        T.StructField("seq", T.LongType()), T.StructField("location_id", T.LongType())])

    frames = []
    for topic in topics:
        # year=/month=/day=/hour= become partition columns; .gz is decompressed by extension.
        df = spark.read.schema(line_schema).option("basePath", f"{archive}/{topic}").json(f"{archive}/{topic}")
        frames.append(df.withColumn("archive_topic", F.lit(topic)))
    lines = frames[0]
    for df in frames[1:]:
        lines = lines.unionByName(df)

    p = F.from_json("payload", payload_schema)
    ts_text = p["timestamp"]
    payload_ms = F.when(ts_text.rlike("^[0-9]+$"), ts_text.cast("long")).otherwise(
        (ts_text.cast("timestamp").cast("double") * 1000).cast("long"))
    readings = (lines.where(F.col("reading").isNotNull() | F.col("payload").isNotNull())
                .select(F.col("archive_topic").alias("topic"), "partition", "offset",
                        F.coalesce(F.col("reading.sensor_id"), p["sensor_id"]).alias("sensor_id"),
                        F.coalesce(F.col("reading.metric"), p["metric"]).alias("metric"),
                        F.coalesce(F.col("reading.value"), p["value"]).alias("value"),
                        F.coalesce(F.col("reading.seq"), p["seq"], F.lit(0)).alias("seq"),
                        F.coalesce(F.col("reading.event_time_ms"), payload_ms, F.col("ts")).alias("event_ms"))
                .dropDuplicates(["topic", "partition", "offset"])
                .dropDuplicates(["sensor_id", "metric", "seq"])
                .where(F.col("value").isNotNull() & ~F.isnan("value")))
    hourly = (readings
              .withColumn("hour_start_ms", F.floor(F.col("event_ms") / HOUR_MS) * HOUR_MS)
              .groupBy("topic", "sensor_id", "metric", "hour_start_ms")
              .agg(F.count("*").alias("count"), F.sum("value").alias("sum"), F.min("value").alias("min"),
                   F.max("value").alias("max"), F.avg("value").alias("avg"))
              .orderBy("topic", "sensor_id", "metric", "hour_start_ms"))
    hourly.select(*COLUMNS).write.mode("overwrite").option("header", True).csv(out)
    spark.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", required=True, help="the archive folder (local path, hdfs://, s3a://)")
    parser.add_argument("--out", default="-", help="CSV file (--local; '-' = stdout) or output folder (Spark)")
    parser.add_argument("--topics", default=",".join(TOPICS), help="comma-separated topics")
    parser.add_argument("--local", action="store_true", help="stdlib fallback: no Spark, one machine")
    args = parser.parse_args()
    topics = [t for t in args.topics.split(",") if t]
    if args.local:
        write_local(local_report(args.archive, topics), args.out)
        return 0
    try:
        import pyspark  # noqa: F401  (only to give a clear message when it is missing)
    except ImportError:
        print("hourly_report: pyspark is not installed; run it with spark-submit, or use --local", file=sys.stderr)
        return 2
    spark_report(args.archive, topics, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
