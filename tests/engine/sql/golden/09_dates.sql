SELECT id,
       EXTRACT(YEAR FROM sold_at) AS y,
       month(sold_at) AS m,
       hour(sold_at) AS h,
       CAST(sold_at AS DATE) AS day,
       date_trunc('hour', sold_at) AS hour_start,
       date_trunc('day', sold_at) AS day_start,
       CASE WHEN hour(sold_at) >= 22 OR hour(sold_at) < 6 THEN 'night' ELSE 'day' END AS part
FROM sales
WHERE sold_at >= '2026-02-01' AND sold_at < TIMESTAMP '2026-03-05 00:00:00'
ORDER BY id;
