// Custody chain and `iwb verify`, driven through the built CLI and tampered with the
// sqlite3 command-line tool, as an attacker with file access would.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { appendCustody, listCustody } from '../../../electron/core/case/custody'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'

const sqlite = (db: string, sql: string): string => execFileSync('sqlite3', [db, sql], { encoding: 'utf8' })

describe('custody log', () => {
  let tmp: ReturnType<typeof tempDir>
  beforeEach(() => {
    tmp = tempDir()
  })
  afterEach(() => tmp.cleanup())

  it('chains each row to the one before with a hash anyone can recompute', () => {
    const folder = CaseFolder.create(join(tmp.path, 'c'), { name: 'n', examiner: 'e', timeZone: 'UTC' })
    appendCustody(folder.db, { examiner: 'e', action: 'note', object: 'case', details: { b: 2, a: [1, { z: 1, y: 'ü' }] } })
    const rows = listCustody(folder.db)
    expect(rows).toHaveLength(2)
    expect(rows[0]!.prevHash).toBe('0'.repeat(64))
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash)
    // The documented formula: SHA-256 of the JSON of the row without `hash`, keys sorted, no spaces.
    const { hash, ...rest } = rows[1]!
    const manual = `{"action":"note","details":{"a":[1,{"y":"ü","z":1}],"b":2},"examiner":"e","object":"case","prevHash":"${rest.prevHash}","seq":2,"ts":"${rest.ts}"}`
    expect(createHash('sha256').update(manual).digest('hex')).toBe(hash)
    folder.close()
  })

  it('refuses UPDATE and DELETE through SQLite triggers, even from the sqlite3 tool', () => {
    const folder = CaseFolder.create(join(tmp.path, 'c'), { name: 'n', examiner: 'e', timeZone: 'UTC' })
    folder.close()
    const db = join(tmp.path, 'c', 'case.db')
    expect(() => execFileSync('sqlite3', [db, "UPDATE custody SET examiner = 'mallory'"], { stdio: 'pipe' })).toThrow(/append-only/)
    expect(() => execFileSync('sqlite3', [db, 'DELETE FROM custody'], { stdio: 'pipe' })).toThrow(/append-only/)
  })
})

describe('iwb verify', () => {
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  let caseDir: string
  let files: string[]
  beforeEach(() => {
    tmp = tempDir()
    env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    caseDir = join(tmp.path, 'case')
    files = ['door-controller.csv', 'auth.log', 'firewall.log'].map((n, i) => {
      const p = join(tmp.path, n)
      writeFileSync(p, `file ${i}\n`.repeat(1000 * (i + 1)))
      return p
    })
    expect(iwb(['case', 'create', caseDir, '--name', 'Verify test', '--examiner', 'Sam', '--tz', 'UTC'], env).code).toBe(0)
    const acquired = iwb(['acquire', caseDir, ...files, '--note', 'from IT'], env)
    expect(acquired.code).toBe(0)
    expect(acquired.stdout).toMatch(/acquired\s+#3/)
  })
  afterEach(() => tmp.cleanup())

  const evidenceFile = (i: number): string => {
    const hash = createHash('sha256').update(readFileSync(files[i]!)).digest('hex')
    return join(caseDir, 'evidence', hash)
  }

  it('exits 0 on an intact case, with human and JSON output', () => {
    const human = iwb(['verify', caseDir], env)
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/OK: 3 evidence files intact/)
    const json = iwb(['verify', caseDir, '--json', '--no-record'], env)
    expect(json.code).toBe(0)
    const report = JSON.parse(json.stdout) as { ok: boolean; evidence: { status: string }[]; custodyLength: number }
    expect(report.ok).toBe(true)
    expect(report.evidence.map((e) => e.status)).toEqual(['intact', 'intact', 'intact'])
    // case.created + 3 acquisitions + the recorded verification above
    expect(report.custodyLength).toBe(5)
  })

  it('names a custody row altered with the sqlite3 tool', () => {
    const db = join(caseDir, 'case.db')
    sqlite(db, "DROP TRIGGER custody_append_only_update; UPDATE custody SET examiner = 'mallory' WHERE seq = 3;")
    const r = iwb(['verify', caseDir, '--no-record'], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/Custody chain broken at row 3/)
    expect(r.stdout).toMatch(/trigger custody_append_only_update has been removed/)
    const json = JSON.parse(iwb(['verify', caseDir, '--json', '--no-record'], env).stdout) as { problems: { kind: string; object: string }[] }
    expect(json.problems).toContainEqual(expect.objectContaining({ kind: 'custody-broken', object: 'custody row 3' }))
  })

  it('reports a removed append-only trigger of the annotations (bookmark history could be rewritten)', () => {
    const db = join(caseDir, 'case.db')
    sqlite(db, 'DROP TRIGGER annotation_version_append_only_update;')
    const r = iwb(['verify', caseDir, '--no-record'], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/trigger annotation_version_append_only_update has been removed/)
  })

  it('names a custody row deleted with the sqlite3 tool', () => {
    const db = join(caseDir, 'case.db')
    sqlite(db, 'DROP TRIGGER custody_append_only_delete; DELETE FROM custody WHERE seq = 2;')
    const r = iwb(['verify', caseDir, '--no-record'], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/Custody chain broken at row 2: rows 2–2 are missing/)
  })

  it('names a deleted evidence file and a changed one', () => {
    const gone = evidenceFile(1)
    unlinkSync(gone)
    const changed = evidenceFile(2)
    chmodSync(changed, 0o644)
    writeFileSync(changed, 'file 2\n'.repeat(3000).replace('file 2', 'file X'))
    chmodSync(changed, 0o444)
    const r = iwb(['verify', caseDir, '--no-record'], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/File missing: evidence #2 \(auth\.log\)/)
    expect(r.stdout).toMatch(/File changed: evidence #3 \(firewall\.log\)/)
    expect(r.stdout).toMatch(/missing\s+#2/)
  })

  it('notices an evidence file that was made writable, and a stray file', () => {
    chmodSync(evidenceFile(0), 0o644)
    writeFileSync(join(caseDir, 'evidence', 'planted.txt'), 'x')
    const r = iwb(['verify', caseDir, '--no-record'], env)
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/File writable: evidence #1/)
    expect(r.stdout).toMatch(/Unregistered file: evidence\/planted\.txt/)
  })

  it('records a verification in custody when asked to', () => {
    expect(iwb(['verify', caseDir], env).code).toBe(0)
    const log = JSON.parse(iwb(['custody', caseDir, '--json'], env).stdout) as { action: string; details: { ok: boolean } }[]
    expect(log.at(-1)).toMatchObject({ action: 'case.verified', details: { ok: true } })
  })

  it('answers usage errors with exit code 2 and a hint', () => {
    const r = iwb(['verify'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/usage: iwb verify/)
    expect(iwb(['verify', join(tmp.path, 'not-a-case')], env).stderr).toMatch(/not an Incident Workbench case/)
    expect(iwb(['frobnicate'], env).code).toBe(2)
    expect(iwb(['verify', '--help'], env).stdout).toMatch(/iwb verify <case-dir>/)
  })
})
