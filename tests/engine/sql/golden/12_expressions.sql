SELECT id,
       qty % 3 AS q_mod,
       qty / 2 AS half,
       CAST(qty AS DOUBLE) * 1.5 AS q15,
       -price AS neg_price,
       UPPER(product) || '-' || region AS label,
       LENGTH(product) AS len,
       NULLIF(region, 'north') AS not_north,
       CASE region WHEN 'north' THEN 1 WHEN 'south' THEN 2 ELSE 0 END AS code
FROM sales
WHERE id <= 6
ORDER BY id;
