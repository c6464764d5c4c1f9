// A big import drops the event table's secondary indexes and rebuilds them afterwards; a
// partial index is dropped only once a batch holds a row it would index, so a syslog file
// never pays for rebuilding the door, badge or card indexes it leaves empty. Whatever was
// dropped and when, the indexes after the import hold every row they should.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { BulkLoadIndexes, importEvidence } from '../../../electron/core/ingest/importPipeline'
import { parseFile } from '../../../electron/core/ingest/parseFile'
import { importerById } from '../../../electron/core/ingest/registry'
import { toRowBatches } from '../../../electron/core/ingest/rowBatches'
import { tempDir } from '../../helpers/tmp'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** `lines` RFC 3164 lines a second apart; from line `failuresFrom` on, every 7th is an sshd failure with a source address. */
function writeSyslog(path: string, lines: number, failuresFrom: number): number {
  const start = Date.UTC(2024, 2, 1)
  const out: string[] = []
  let failures = 0
  for (let i = 0; i < lines; i++) {
    const d = new Date(start + i * 1000)
    const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`
    if (i >= failuresFrom && i % 7 === 0) {
      failures++
      out.push(`${stamp} gw sshd[4242]: Failed password for root from 198.51.100.${i % 200} port ${2000 + (i % 5000)} ssh2`)
    } else out.push(`${stamp} gw kernel: eth0 link state ${i % 2 ? 'up' : 'down'} (seq ${i}) padding padding padding padding`)
  }
  writeFileSync(path, out.join('\n') + '\n')
  return failures
}

describe('secondary indexes during a bulk import', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  beforeEach(() => {
    tmp = tempDir()
    folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Indexes', examiner: 'Ana', timeZone: 'UTC' })
  })
  afterEach(() => {
    folder.close()
    tmp.cleanup()
  })

  const indexSql = (): Map<string, string> =>
    new Map(
      (folder.db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'event' AND sql IS NOT NULL").all() as { name: string; sql: string }[]).map(
        (r) => [r.name, r.sql]
      )
    )

  it('drops a partial index only when a batch would put a row in it', async () => {
    const path = join(tmp.path, 'gw.log')
    writeSyslog(path, 20_000, 12_000)
    const before = indexSql()
    const run = parseFile(path, importerById('syslog-rfc3164')!, { fileName: 'gw.log', time: { timeZone: 'UTC', explicitYear: 2024, fileMtimeUs: null, offsetUs: 0 } })
    const db = folder.db
    db.exec('BEGIN')
    try {
      const indexes = new BulkLoadIndexes(db, 100 * 1024 * 1024)
      const fullIndexes = [...before].filter(([, sql]) => !/\bWHERE\b/i.test(sql)).map(([name]) => name)
      // Indexes of every row go at once; the partial ones wait.
      expect([...indexSql().keys()].filter((n) => fullIndexes.includes(n))).toEqual([])
      expect(indexSql().has('event_by_host')).toBe(true)
      const seen: { batch: number; srcIpIndex: boolean }[] = []
      let batch = 0
      for await (const b of toRowBatches(run.chunks, 1, 10)) {
        indexes.beforeInsert(b)
        seen.push({ batch: batch++, srcIpIndex: indexSql().has('event_by_src_ip') })
      }
      // Every line names a host: gone with the first batch. The failures start in the third
      // batch of 4,096 rows (line 12,000): the source-address index waits until then.
      expect(seen.map((s) => s.srcIpIndex)).toEqual([true, true, false, false, false])
      expect(indexSql().has('event_by_host')).toBe(false)
      // Syslog names no door, card or badge reader: those indexes are never dropped or rebuilt.
      for (const kept of ['event_by_location', 'event_by_actor_id', 'event_badge']) expect(indexSql().get(kept)).toBe(before.get(kept))
      const rebuilt = indexes.rebuild()
      expect(rebuilt).toContain(before.get('event_by_src_ip'))
      expect(rebuilt).toContain(before.get('event_auth_by_actor'))
      expect(rebuilt).not.toContain(before.get('event_badge'))
      expect(rebuilt.length + 3).toBe(before.size)
    } finally {
      db.exec('ROLLBACK')
    }
    expect(indexSql()).toEqual(before)
  })

  it('leaves every index complete after an import whose addresses start mid-file', async () => {
    const path = join(tmp.path, 'gw.log')
    // ≈ 7 MB: big enough for the bulk path (indexes dropped and rebuilt).
    const failures = writeSyslog(path, 80_000, 50_000)
    const acquired = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
    const report = await importEvidence(folder, { evidenceId: acquired.evidence!.id, examiner: 'Ana', year: 2024 })
    expect(report.status, report.message).toBe('complete')
    expect(report.events).toBe(80_000)
    const db = folder.db
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect([...indexSql().keys()].sort()).toHaveLength(11)
    const count = (sql: string): number => (db.prepare(sql).get() as { n: number }).n
    expect(count('SELECT COUNT(*) AS n FROM event INDEXED BY event_by_src_ip WHERE src_ip IS NOT NULL')).toBe(failures)
    expect(count("SELECT COUNT(*) AS n FROM event INDEXED BY event_auth_by_actor WHERE category = 'auth' AND actor = 'root'")).toBe(failures)
    expect(count("SELECT COUNT(*) AS n FROM event INDEXED BY event_by_host WHERE host = 'gw'")).toBe(80_000)
    expect(count('SELECT COUNT(*) AS n FROM event INDEXED BY event_by_location WHERE location IS NOT NULL')).toBe(0)
  })
})
