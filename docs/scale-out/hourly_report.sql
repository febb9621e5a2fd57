-- Hourly aggregates per (topic, sensor, metric, hour) from the CityOps raw archive, in spark-sql.
-- The same table as hourly_report.py (columns, deduplication, UTC hours). One view per topic folder;
-- Spark decompresses .gz by extension and discovers year=/month=/day=/hour= as partition columns.
--
--   spark-sql -d archive=hdfs:///cityops/archive -f hourly_report.sql
--
-- Not run in CityOps' CI (no Spark there): tests/scale_out runs the --local mode of
-- hourly_report.py over the same folders. See docs/SCALE_OUT.md.

CREATE OR REPLACE TEMPORARY VIEW archive_lines
USING json
OPTIONS (
  path '${archive}/{traffic-events,air-quality,temperature-data,parking-events,emergency-events,energy-data}',
  schema 'ts BIGINT, topic STRING, `partition` INT, `offset` BIGINT, `key` BIGINT, flags INT,
          reading STRUCT<sensor_id: BIGINT, location_id: BIGINT, kind: STRING, metric: STRING,
                         value: DOUBLE, seq: BIGINT, event_time_ms: BIGINT>,
          payload STRING, payload_b64 STRING'
);

CREATE OR REPLACE TEMPORARY VIEW archive_readings AS
WITH decoded AS (
  SELECT topic, `partition`, `offset`, ts, reading,
         from_json(payload, 'event_id STRING, sensor_id BIGINT, type STRING, metric STRING, value DOUBLE,
                             timestamp STRING, seq BIGINT, location_id BIGINT') AS p
  FROM archive_lines
  WHERE reading IS NOT NULL OR payload IS NOT NULL
),
flat AS (
  SELECT topic, `partition`, `offset`,
         coalesce(reading.sensor_id, p.sensor_id) AS sensor_id,
         coalesce(reading.metric, p.metric)       AS metric,
         coalesce(reading.value, p.value)         AS value,
         coalesce(reading.seq, p.seq, 0)          AS seq,
         coalesce(reading.event_time_ms,
                  CASE WHEN p.timestamp RLIKE '^[0-9]+$' THEN CAST(p.timestamp AS BIGINT)
                       ELSE CAST(CAST(CAST(p.timestamp AS TIMESTAMP) AS DOUBLE) * 1000 AS BIGINT) END,
                  ts)                             AS event_ms
  FROM decoded
),
by_record AS (     -- the archiver is at-least-once: a record may be archived twice
  SELECT *, row_number() OVER (PARTITION BY topic, `partition`, `offset` ORDER BY event_ms) AS n
  FROM flat
),
by_reading AS (    -- a repeated transmission: what the stream job's dedup drops
  SELECT *, row_number() OVER (PARTITION BY sensor_id, metric, seq ORDER BY topic, `partition`, `offset`) AS m
  FROM by_record WHERE n = 1
)
SELECT topic, sensor_id, metric, value, event_ms FROM by_reading
WHERE m = 1 AND value IS NOT NULL AND NOT isnan(value);

SELECT topic, sensor_id, metric,
       floor(event_ms / 3600000) * 3600000 AS hour_start_ms,
       count(*)                            AS count,
       sum(value)                          AS sum,
       min(value)                          AS min,
       max(value)                          AS max,
       avg(value)                          AS avg
FROM archive_readings
GROUP BY topic, sensor_id, metric, floor(event_ms / 3600000) * 3600000
ORDER BY topic, sensor_id, metric, hour_start_ms;
