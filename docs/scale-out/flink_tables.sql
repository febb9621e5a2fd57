-- Flink SQL tables over the CityOps reading topics (one per topic), for Flink jobs that take over
-- from CityOps' embedded engine when a city outgrows one workstation. The columns follow the
-- published schemas (docs/scale-out/schemas/<topic>.json) and the engine's codec
-- (docs/EVENT_FORMAT.md); the record key is the sensor id as 8 bytes little-endian (docs/KAFKA.md),
-- so Kafka partitions match the engine's partitioning.
--
-- "timestamp" is read as text: sensors send ms since the epoch or ISO-8601 UTC, and gateways
-- forward the sensor's text unchanged. event_time turns both into TIMESTAMP_LTZ(3) (the ISO branch
-- drops the milliseconds); run the job with
-- SET 'table.local-time-zone' = 'UTC'; so the ISO branch reads UTC. The 10 s watermark delay is the
-- embedded runtime's default bounded out-of-orderness (JobConfig::maxOutOfOrdernessMs).
--
-- Not run in CityOps' CI (no Flink there); checked there only for agreeing with the schemas
-- (tests/scale_out). Replace the bootstrap servers and group id for your cluster.

SET 'table.local-time-zone' = 'UTC';

CREATE TABLE traffic_events (
  event_id      STRING,
  sensor_id     BIGINT,
  `type`        STRING,
  metric        STRING,
  `value`       DOUBLE,
  `timestamp`   STRING,
  seq           BIGINT,
  location_id   BIGINT,
  kafka_offset  BIGINT METADATA FROM 'offset' VIRTUAL,
  kafka_part    INT METADATA FROM 'partition' VIRTUAL,
  event_time AS CASE
      WHEN REGEXP(`timestamp`, '^[0-9]+$') THEN TO_TIMESTAMP_LTZ(CAST(`timestamp` AS BIGINT), 3)
      ELSE TO_TIMESTAMP_LTZ(UNIX_TIMESTAMP(SUBSTRING(`timestamp` FROM 1 FOR 19), 'yyyy-MM-dd''T''HH:mm:ss') * 1000, 3)
    END,
  WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'traffic-events',
  'properties.bootstrap.servers' = 'kafka-1:9092,kafka-2:9092,kafka-3:9092',
  'properties.group.id' = 'flink-cityops-traffic-events',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'group-offsets',
  'properties.auto.offset.reset' = 'earliest',
  'value.format' = 'json',
  'value.json.fail-on-missing-field' = 'false',
  'value.json.ignore-parse-errors' = 'false'
);

-- The other topics: the same columns, computed event time and watermark (LIKE copies them all);
-- only the topic and the consumer group differ.
CREATE TABLE air_quality WITH ('topic' = 'air-quality', 'properties.group.id' = 'flink-cityops-air-quality') LIKE traffic_events;
CREATE TABLE temperature_data WITH ('topic' = 'temperature-data', 'properties.group.id' = 'flink-cityops-temperature-data') LIKE traffic_events;
CREATE TABLE parking_events WITH ('topic' = 'parking-events', 'properties.group.id' = 'flink-cityops-parking-events') LIKE traffic_events;
CREATE TABLE emergency_events WITH ('topic' = 'emergency-events', 'properties.group.id' = 'flink-cityops-emergency-events') LIKE traffic_events;
CREATE TABLE energy_data WITH ('topic' = 'energy-data', 'properties.group.id' = 'flink-cityops-energy-data') LIKE traffic_events;

-- Example: the design's hourly aggregates per sensor and metric, the same table hourly_report.py and
-- hourly_report.sql compute from the archive (a tumbling event-time window of one hour).
-- INSERT INTO hourly_aggregates
SELECT 'air-quality' AS topic, sensor_id, metric,
       window_start, window_end,
       COUNT(*) AS `count`, SUM(`value`) AS `sum`, MIN(`value`) AS `min`, MAX(`value`) AS `max`,
       AVG(`value`) AS `avg`
FROM TABLE(TUMBLE(TABLE air_quality, DESCRIPTOR(event_time), INTERVAL '1' HOUR))
GROUP BY sensor_id, metric, window_start, window_end;
