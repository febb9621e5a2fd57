-- Rising runs: three readings each above the one before, within 30 seconds, per sensor.
CREATE TABLE air (sensor_id BIGINT, location_id BIGINT, metric STRING, `value` DOUBLE, ts BIGINT,
                  event_time AS TO_TIMESTAMP_LTZ(ts, 3), WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND)
WITH ('connector' = 'embedded', 'topic' = 'air-quality');
CREATE TABLE runs (sensor_id BIGINT, first_event_time TIMESTAMP(3), event_time TIMESTAMP(3), matched_count BIGINT, max_value DOUBLE)
WITH ('connector' = 'alerts', 'rule' = 'co2_high');
INSERT INTO runs
SELECT sensor_id, f, l, n, mx FROM (SELECT * FROM air WHERE sensor_id = 2) MATCH_RECOGNIZE (
  PARTITION BY sensor_id ORDER BY event_time
  MEASURES FIRST(A.event_time) AS f, LAST(A.event_time) AS l, COUNT(A.*) AS n, MAX(A.`value`) AS mx
  AFTER MATCH SKIP PAST LAST ROW
  PATTERN (A{4}) WITHIN INTERVAL '35' SECOND
  DEFINE A AS A.`value` >= 150
);
