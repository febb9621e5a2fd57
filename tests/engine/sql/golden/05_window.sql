SELECT sensor, ts, value,
       LAG(value) OVER (PARTITION BY sensor ORDER BY ts) AS prev_value,
       LEAD(value, 1, -1.0) OVER (PARTITION BY sensor ORDER BY ts) AS next_value,
       ROW_NUMBER() OVER (PARTITION BY district ORDER BY value DESC NULLS LAST, ts) AS rn,
       RANK() OVER (PARTITION BY district ORDER BY value DESC NULLS LAST) AS rnk,
       AVG(value) OVER (PARTITION BY sensor ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS avg3,
       SUM(value) OVER (PARTITION BY sensor ORDER BY ts) AS running,
       COUNT(*) OVER (PARTITION BY district) AS n_district
FROM series
ORDER BY sensor, ts;
