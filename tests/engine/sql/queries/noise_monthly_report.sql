-- Monthly noise report per district, as an analyst writes it in Spark SQL over the stored history:
-- average level, exact 95th percentile, and how many readings were above 70 dB at night (22:00-06:00 UTC).
SELECT district,
       date_trunc('month', ts)                                       AS month,
       AVG(value)                                                    AS avg_noise_db,
       PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY value)           AS p95_noise_db,
       SUM(CASE WHEN value > 70 AND (hour(ts) >= 22 OR hour(ts) < 6)
                THEN 1 ELSE 0 END)                                   AS loud_night_readings,
       COUNT(*)                                                      AS readings
FROM readings
WHERE metric = 'noise_db'
GROUP BY district, date_trunc('month', ts)
ORDER BY district, month;
