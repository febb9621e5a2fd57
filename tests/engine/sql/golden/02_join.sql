SELECT s.id, s.region, r.manager, s.qty * s.price AS revenue
FROM sales s
JOIN regions r ON s.region = r.region
WHERE s.qty IS NOT NULL AND s.price IS NOT NULL
ORDER BY revenue DESC, s.id
LIMIT 5;
