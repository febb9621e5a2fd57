// Runs every golden query (golden/*.sql) in DuckDB over the same CSVs (data/*.csv, one table per file
// stem) and compares the rows with our .expected files: numbers within a relative 1e-9, text exact,
// NULL = empty cell. Exit 0 all equal, 1 a difference, 77 when @duckdb/node-api is not installed.
// Usage: node duckdb_compare.mjs <repo root>
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(process.argv[2] ?? '.');
let duckdb = null;
for (const base of [path.join(root, 'scripts/bench'), root]) {
  try {
    duckdb = createRequire(path.join(base, 'package.json'))('@duckdb/node-api');
    break;
  } catch {
    // try the next place
  }
}
if (!duckdb) {
  console.log('SKIP: @duckdb/node-api not installed (scripts/install-deps.sh --bench)');
  process.exit(77);
}
const dir = path.join(root, 'tests/engine/sql');
const instance = await duckdb.DuckDBInstance.create(':memory:', { threads: '1' });
const db = await instance.connect();
await db.run("SET TimeZone = 'UTC'");
for (const file of fs.readdirSync(path.join(dir, 'data')).filter((f) => f.endsWith('.csv')).sort()) {
  const table = path.basename(file, '.csv');
  await db.run(`CREATE TABLE ${table} AS SELECT * FROM read_csv('${path.join(dir, 'data', file)}', header = true)`);
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; ++i; } else if (c === '"') { quoted = false; } else { cell += c; }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(cell); cell = '';
    } else if (c === '\n') {
      row.push(cell); rows.push(row); row = []; cell = '';
    } else {
      cell += c;
    }
  }
  return rows;
}

function same(ours, theirs) {
  if (theirs === null || theirs === undefined) return ours === '';
  const t = String(theirs);
  if (ours === t) return true;
  const a = Number(ours);
  const b = Number(t);
  if (ours !== '' && t !== '' && Number.isFinite(a) && Number.isFinite(b)) {
    return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
  }
  // timestamps: DuckDB may print "2026-01-01 00:00:00" or "2026-01-01"
  return t.replace('T', ' ').startsWith(ours) || ours.startsWith(t.replace('T', ' '));
}

let failures = 0;
for (const file of fs.readdirSync(path.join(dir, 'golden')).filter((f) => f.endsWith('.sql')).sort()) {
  const sql = fs.readFileSync(path.join(dir, 'golden', file), 'utf8');
  const expected = parseCsv(fs.readFileSync(path.join(dir, 'golden', file.replace(/\.sql$/, '.expected')), 'utf8'));
  let rows;
  try {
    rows = (await db.runAndReadAll(sql)).getRowsJson();
  } catch (e) {
    console.log(`FAIL ${file}: DuckDB error: ${e.message}`);
    ++failures;
    continue;
  }
  const body = expected.slice(1);
  const diffs = [];
  if (rows.length !== body.length) diffs.push(`row count ours ${body.length}, DuckDB ${rows.length}`);
  for (let r = 0; r < Math.min(rows.length, body.length); ++r) {
    for (let c = 0; c < body[r].length; ++c) {
      if (!same(body[r][c], rows[r][c])) diffs.push(`row ${r + 1} column ${expected[0][c]}: ours '${body[r][c]}', DuckDB '${rows[r][c]}'`);
    }
  }
  if (diffs.length) {
    ++failures;
    console.log(`DIFF ${file}:\n  ${diffs.slice(0, 10).join('\n  ')}`);
  } else {
    console.log(`ok   ${file} (${body.length} rows)`);
  }
}
console.log(`duckdb ${duckdb.version()}: ${failures === 0 ? 'all golden queries agree' : `${failures} file(s) differ`}`);
process.exit(failures === 0 ? 0 : 1);
