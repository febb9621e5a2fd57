SELECT DISTINCT region, note IS NULL AS no_note
FROM sales
ORDER BY region DESC, no_note;
