// The retail workflow of issue #8 in DuckDB (npm @duckdb/node-api), step for step as
// engine/src/batch/retail_workflow.cpp does it.
// Usage: node retail_duckdb.mjs <csv> [threads]. Prints one JSON object: seconds per phase and the results
// the peer script compares (final row count, top-5 categories, averages by payment method and location).
import { DuckDBInstance, version } from '@duckdb/node-api';

const path = process.argv[2];
const threads = process.argv[3] ?? '2';

function snake(name) {
  const spaced = name
    .replace(/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/g, '_')
    .replace(/[^0-9A-Za-z\u0080-\uffff]+/g, '_');
  return spaced.replace(/^_+|_+$/g, '').toLowerCase() || 'column';
}

const instance = await DuckDBInstance.create(':memory:', { threads });
const db = await instance.connect();
const rows = async (sql) => (await db.runAndReadAll(sql)).getRowObjectsJson();

const phases = {};
let mark = performance.now();
const lap = (phase) => {
  const now = performance.now();
  phases[phase] = Math.round(now - mark) / 1000;
  mark = now;
};

// 1.1 load (DuckDB's own sniffer and type detection)
await db.run(`CREATE TABLE raw AS SELECT * FROM read_csv('${path.replaceAll("'", "''")}')`);
lap('load');

// 1.2 snake_case names, 1.3 types with invalid values as null
const columns = (await rows('DESCRIBE raw')).map((r) => r.column_name);
const q = (c) => `"${c.replaceAll('"', '""')}"`;
const typed = {
  price_per_unit: (c) => `TRY_CAST(${c} AS DOUBLE)`,
  total_spent: (c) => `TRY_CAST(${c} AS DOUBLE)`,
  quantity: (c) => `CASE WHEN TRY_CAST(${c} AS DOUBLE) = trunc(TRY_CAST(${c} AS DOUBLE))
                          THEN CAST(TRY_CAST(${c} AS DOUBLE) AS BIGINT) END`,
  transaction_date: (c) => `TRY_CAST(${c} AS DATE)`,
  discount_applied: (c) => `TRY_CAST(${c} AS BOOLEAN)`,
};
const projection = columns.map((c) => {
  const name = snake(c);
  return `${typed[name] ? typed[name](q(c)) : q(c)} AS ${name}`;
});
await db.run(`CREATE TABLE t AS SELECT ${projection.join(', ')} FROM raw`);
await db.run('DROP TABLE raw');
lap('prepare');

// 2.1 catalogue of (category, price) pairs naming exactly one item; 2.1-2.3 repeated until nothing changes
await db.run(`CREATE TABLE lookup AS
  SELECT category, price_per_unit, min(item) AS catalogue_item
  FROM (SELECT DISTINCT category, item, price_per_unit FROM t WHERE item IS NOT NULL AND price_per_unit IS NOT NULL)
  GROUP BY category, price_per_unit HAVING count(DISTINCT item) = 1`);
const counts = { items_recovered: 0, totals_recomputed: 0, quantities_filled: 0, prices_filled: 0,
  items_recovered_after_fill: 0 };
for (let round = 0; round < 10; ++round) {
  await db.run(`CREATE OR REPLACE TABLE t2 AS
    WITH a AS (
      SELECT t.* REPLACE (coalesce(t.item, l.catalogue_item) AS item),
             (t.item IS NULL AND l.catalogue_item IS NOT NULL) AS _fi
      FROM t LEFT JOIN lookup l ON t.category = l.category AND t.price_per_unit = l.price_per_unit),
    b AS (
      SELECT * REPLACE (coalesce(total_spent, quantity * price_per_unit) AS total_spent),
             (total_spent IS NULL AND quantity IS NOT NULL AND price_per_unit IS NOT NULL) AS _ft FROM a),
    c AS (
      SELECT * REPLACE (coalesce(quantity, CAST(round(total_spent / nullif(price_per_unit, 0)) AS BIGINT)) AS quantity),
             (quantity IS NULL AND total_spent IS NOT NULL AND price_per_unit IS NOT NULL AND price_per_unit <> 0) AS _fq
      FROM b),
    d AS (
      SELECT * REPLACE (coalesce(price_per_unit, round(total_spent / nullif(quantity, 0), 2)) AS price_per_unit),
             (price_per_unit IS NULL AND total_spent IS NOT NULL AND quantity IS NOT NULL AND quantity <> 0) AS _fp
      FROM c)
    SELECT * FROM d`);
  const [n] = await rows(`SELECT count(*) FILTER (_fi)::INTEGER AS i, count(*) FILTER (_ft)::INTEGER AS t,
                                 count(*) FILTER (_fq)::INTEGER AS q, count(*) FILTER (_fp)::INTEGER AS p FROM t2`);
  await db.run('CREATE OR REPLACE TABLE t AS SELECT * EXCLUDE (_fi, _ft, _fq, _fp) FROM t2');
  if (round === 0) {
    Object.assign(counts, { items_recovered: n.i, totals_recomputed: n.t, quantities_filled: n.q, prices_filled: n.p });
  } else {
    counts.items_recovered_after_fill += n.i;
  }
  if (round > 0 && n.i + n.t + n.q + n.p === 0) break;
}
await db.run('DROP TABLE t2');
lap('recover');

// 2.4 drop rows still incomplete
const [before] = await rows('SELECT count(*)::INTEGER AS n FROM t');
await db.run(`CREATE TABLE clean AS SELECT * FROM t
  WHERE category IS NOT NULL AND quantity IS NOT NULL AND total_spent IS NOT NULL AND price_per_unit IS NOT NULL`);
await db.run('DROP TABLE t');
const [after] = await rows('SELECT count(*)::INTEGER AS n FROM clean');
counts.rows_dropped = before.n - after.n;
lap('drop');

// 3.1 top-5 categories by units; 3.2 average total_spent by payment method and by location
const top5 = (await rows(`SELECT category, sum(quantity)::BIGINT::INTEGER AS units FROM clean GROUP BY category
                          ORDER BY units DESC, category LIMIT 5`)).map((r) => [r.category, r.units]);
const averages = async (key) => Object.fromEntries((await rows(
  `SELECT ${key} AS k, round(avg(total_spent), 2)::DOUBLE AS v FROM clean GROUP BY ${key} ORDER BY ${key}`))
  .map((r) => [r.k, r.v]));
const avgByPayment = await averages('payment_method');
const avgByLocation = await averages('location');
lap('aggregate');

// 4.1 day_of_week (1 = Monday) and transaction_month
await db.run(`CREATE TABLE final AS SELECT *, isodow(transaction_date) AS day_of_week,
                                           month(transaction_date) AS transaction_month FROM clean`);
lap('date_parts');

const total = Object.values(phases).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({
  tool: `duckdb ${version()} (node-api, ${threads} threads)`,
  phases_s: phases,
  total_s: Math.round(total * 1000) / 1000,
  final_rows: after.n,
  counts,
  top5,
  avg_by_payment: avgByPayment,
  avg_by_location: avgByLocation,
}));
