SELECT r.region, r.manager, COUNT(s.id) AS sales, COALESCE(SUM(s.qty), 0) AS units,
       CASE WHEN COALESCE(SUM(s.qty), 0) >= r.target THEN 'met' ELSE 'missed' END AS status
FROM regions r
LEFT JOIN sales s ON s.region = r.region
GROUP BY r.region, r.manager, r.target
ORDER BY r.region;
