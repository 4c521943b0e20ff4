/**
 * The one test command (`npm test`): type-check, lint, unit + integration tests (vitest) and browser
 * tests (Playwright in Debian Chromium), then ONE summary line `N passed, N failed, N skipped` summing
 * every suite. Type-check and lint count as one test each, so a red gate cannot hide behind green tests.
 */
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

type Tally = { passed: number; failed: number; skipped: number };
const total: Tally = { passed: 0, failed: 0, skipped: 0 };
const add = (t: Tally): void => {
  total.passed += t.passed;
  total.failed += t.failed;
  total.skipped += t.skipped;
};

const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): number =>
  spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

const gate = (name: string, cmd: string, args: string[]): void => {
  console.log(`\n== ${name} ==`);
  const ok = run(cmd, args) === 0;
  console.log(`${name}: ${ok ? 'ok' : 'FAILED'}`);
  add({ passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });
};

const readJson = <T>(file: string): T | null => {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
};

const only = process.argv[2]; // optional: 'unit' or 'e2e'
fs.mkdirSync('test-results', { recursive: true });

if (!only) {
  gate('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  gate('lint', 'npm', ['run', '--silent', 'lint']);
}

if (!only || only === 'unit') {
  console.log('\n== unit and integration (vitest) ==');
  fs.rmSync('test-results/unit.json', { force: true });
  const code = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', '--outputFile=test-results/unit.json']);
  const r = readJson<{ numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number }>('test-results/unit.json');
  if (r) add({ passed: r.numPassedTests, failed: r.numFailedTests + (code !== 0 && r.numFailedTests === 0 ? 1 : 0), skipped: r.numPendingTests + r.numTodoTests });
  else add({ passed: 0, failed: 1, skipped: 0 });
}

if (!only || only === 'e2e') {
  console.log('\n== browser (Playwright + Chromium) ==');
  fs.rmSync('test-results/e2e.json', { force: true });
  const code = run('npx', ['playwright', 'test']);
  const r = readJson<{ stats: { expected: number; unexpected: number; skipped: number; flaky: number } }>('test-results/e2e.json');
  if (r) add({ passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected + (code !== 0 && r.stats.unexpected === 0 ? 1 : 0), skipped: r.stats.skipped });
  else add({ passed: 0, failed: 1, skipped: 0 });
}

console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed === 0 ? 0 : 1);
