-- totals per region with HAVING and ORDER BY
SELECT region, COUNT(*) AS n, SUM(qty) AS units, ROUND(AVG(price), 3) AS avg_price,
       MIN(sold_at) AS first_sale, MAX(product) AS last_product
FROM sales
GROUP BY region
HAVING COUNT(*) >= 2
ORDER BY units DESC, region;
