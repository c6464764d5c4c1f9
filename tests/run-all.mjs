// `npm test` (after the build): unit and integration tests with Vitest, then the
// end-to-end tests in Debian's Chromium with Playwright. Prints both runners' output and
// one closing line "N passed, N failed" over all of them; exits non-zero on any failure.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const work = mkdtempSync(join(tmpdir(), 'iwb-test-run-'))
const bin = (name) => join(root, 'node_modules', '.bin', name)
let passed = 0
let failed = 0
let skipped = 0

function run(label, command, args, env = {}) {
  console.log(`\n=== ${label} ===`)
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  return r.status ?? 1
}

// Vitest
const vitestJson = join(work, 'vitest.json')
const vitestCode = run('unit and integration tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`])
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'))
  passed += r.numPassedTests ?? 0
  failed += r.numFailedTests ?? 0
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
  // A file that fails to load has no tests to count: count it as a failure.
  for (const file of r.testResults ?? []) if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed++
} else if (vitestCode !== 0) failed++

// Playwright
const pwJson = join(work, 'playwright.json')
const chromium = process.env.IWB_CHROMIUM ?? '/usr/bin/chromium'
if (!existsSync(chromium)) {
  console.error(`\nChromium not found at ${chromium}: install Debian's chromium (apt-get install chromium) to run the end-to-end tests.`)
  failed++
} else {
  const pwCode = run('end-to-end tests in Chromium (playwright)', bin('playwright'), ['test', '--reporter=list,json'], {
    PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson
  })
  if (existsSync(pwJson)) {
    const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats ?? {}
    passed += (s.expected ?? 0) + (s.flaky ?? 0)
    failed += s.unexpected ?? 0
    skipped += s.skipped ?? 0
    if (pwCode !== 0 && !s.unexpected) failed++
  } else if (pwCode !== 0) failed++
}

rmSync(work, { recursive: true, force: true })
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 || vitestCode !== 0 ? 1 : 0)
