-- Two sensors, a CO2 reading every 10 s for 10 minutes (sensor 1: 0..59 ppm, sensor 2: 100..159 ppm).
CREATE TABLE air (sensor_id BIGINT, location_id BIGINT, `type` STRING, metric STRING, `value` DOUBLE,
                  event_time TIMESTAMP(3), WATERMARK FOR event_time AS event_time - INTERVAL '10' SECOND)
WITH ('connector' = 'embedded', 'topic' = 'air-quality', 'format' = 'json');
CREATE TABLE per_window WITH ('connector' = 'aggregates') AS
SELECT sensor_id, location_id, TUMBLE_START(event_time, INTERVAL '5' MINUTE) AS window_start,
       TUMBLE_END(event_time, INTERVAL '5' MINUTE) AS window_end, COUNT(*) AS readings,
       AVG(`value`) AS avg_ppm, MIN(`value`) AS min_ppm, MAX(`value`) AS max_ppm
FROM air WHERE metric = 'co2'
GROUP BY TUMBLE(event_time, INTERVAL '5' MINUTE), sensor_id, location_id
HAVING MAX(`value`) > 50;
