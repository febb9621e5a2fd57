WITH monthly AS (
  SELECT date_trunc('month', sold_at) AS month, region, SUM(qty) AS units
  FROM sales
  GROUP BY date_trunc('month', sold_at), region
),
best AS (
  SELECT month, MAX(units) AS top_units FROM monthly GROUP BY month
)
SELECT m.month, m.region, m.units
FROM monthly m JOIN best b ON m.month = b.month AND m.units = b.top_units
ORDER BY m.month, m.region;
