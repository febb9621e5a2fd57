SELECT id, product, qty, note
FROM sales
WHERE (product IN ('apple', 'plum') AND qty BETWEEN 2 AND 6)
   OR note LIKE 'n%'
   OR NOT (price > 1.0)
ORDER BY id;
