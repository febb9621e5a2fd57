SELECT district,
       PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY value) AS p50,
       PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY value) AS p90,
       ROUND(STDDEV_SAMP(value), 6) AS sd,
       ROUND(STDDEV_POP(value), 6) AS sd_pop,
       COUNT(DISTINCT sensor) AS sensors,
       COUNT(value) AS n_values,
       COUNT(*) AS n_rows
FROM series
GROUP BY district
ORDER BY district;
