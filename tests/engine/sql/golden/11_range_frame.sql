SELECT district, sensor, value,
       AVG(value) OVER (PARTITION BY district ORDER BY value RANGE BETWEEN 3 PRECEDING AND CURRENT ROW) AS avg_near,
       MAX(value) OVER (PARTITION BY district ORDER BY value ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS max_before,
       DENSE_RANK() OVER (ORDER BY district) AS dr
FROM series
WHERE value IS NOT NULL
ORDER BY district, value, sensor;
