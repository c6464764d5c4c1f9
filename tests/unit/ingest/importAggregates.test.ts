// The import counts the timeline aggregates while it inserts (in the parse worker for big
// files) instead of grouping the stored events afterwards. On real samples both ways must
// give the same cells and bucket rows at every level, in file order and out of order.
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import type { Db } from '../../../electron/core/case/database'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importEvidence, PARALLEL_MIN_BYTES } from '../../../electron/core/ingest/importPipeline'
import { rederiveSource } from '../../../electron/core/ingest/rederive'
import { buildAggregatesForSource, LEVELS, levelTable } from '../../../electron/core/timeline/aggregates'
import { tempDir } from '../../helpers/tmp'
import { sample } from '../../helpers/importSample'

/** Every cell and bucket row of a source by natural key (cell ids differ between builds). */
function dump(db: Db, sourceId: number): string[] {
  const out = (
    db.prepare('SELECT category, location, events, failures, first_us, last_us FROM timeline_cell WHERE source_id = ?').raw().all(sourceId) as unknown[][]
  ).map((r) => JSON.stringify(['cell', ...r]))
  for (const level of LEVELS) {
    const rows = db
      .prepare(`SELECT c.category, c.location, t.b, t.n, t.failures FROM ${levelTable(level)} t JOIN timeline_cell c ON c.id = t.cell WHERE c.source_id = ?`)
      .raw()
      .all(sourceId) as unknown[][]
    out.push(...rows.map((r) => JSON.stringify([level.name, ...r])))
  }
  return out.sort()
}

describe('timeline aggregates counted during import', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  beforeEach(() => {
    tmp = tempDir()
    folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Aggregates', examiner: 'Ana', timeZone: 'America/New_York' })
  })
  afterEach(() => {
    folder.close()
    tmp.cleanup()
  })

  async function importFile(path: string, options: { format?: string; year?: number } = {}): Promise<number> {
    const acquired = await acquireEvidence(folder, { path }, { examiner: 'Ana' })
    const report = await importEvidence(folder, { evidenceId: acquired.evidence!.id, examiner: 'Ana', format: options.format, year: options.year })
    expect(report.status, report.message).toBe('complete')
    return report.sourceId!
  }

  /** The import's rows, then the same source rebuilt from its stored events by SQL. */
  function expectSameAsRebuilt(sourceId: number): string[] {
    const counted = dump(folder.db, sourceId)
    buildAggregatesForSource(folder.db, sourceId, 'events')
    expect(counted).toEqual(dump(folder.db, sourceId))
    return counted
  }

  it('match the SQL rebuild on badge readings with doors (several batches), syslog with failures, and Zeek', async () => {
    const badgeId = await importFile(sample('badge/vast2016_proxOut-MC2.csv'))
    const badge = expectSameAsRebuilt(badgeId)
    // 29,763 readings, each in its whole-category cell and in its place's cell.
    expect(badge.filter((r) => r.startsWith('["cell"') && r.includes('"access",null'))).toHaveLength(1)
    expect(badge.some((r) => r.startsWith('["1d","access","floor 1 / zone 1"'))).toBe(true)
    const syslog = expectSameAsRebuilt(await importFile(sample('syslog/Linux_2k.log'), { year: 2005 }))
    expect(syslog.some((r) => /^\["cell","auth",null,\d+,[1-9]/.test(r))).toBe(true)
    expectSameAsRebuilt(await importFile(sample('network/trickbot2018_zeek_conn.log')))
    // Re-reading a source in another zone writes its aggregates anew the same way.
    await rederiveSource(folder, badgeId, { timeZone: 'Europe/Lisbon', reason: 'test' }, 'Ana')
    expect(expectSameAsRebuilt(badgeId)).not.toEqual(badge)
  })

  it('match when events come out of time order (the badge readings reversed)', async () => {
    const [header, ...rows] = readFileSync(sample('badge/vast2016_proxOut-MC2.csv'), 'utf8').trimEnd().split('\n')
    const path = join(tmp.path, 'reversed.csv')
    writeFileSync(path, [header, ...rows.reverse()].join('\n') + '\n')
    expectSameAsRebuilt(await importFile(path))
  })

  // Over 200,000 readings: slow on a loaded machine.
  it('match for a file big enough for the parse worker (when built)', { timeout: 300_000 }, async () => {
    const text = readFileSync(sample('badge/vast2016_proxOut-MC2.csv'), 'utf8')
    const [header, ...rows] = text.trimEnd().split('\n')
    const body = rows.join('\n') + '\n'
    const path = join(tmp.path, 'big.csv')
    writeFileSync(path, header + '\n' + body.repeat(Math.ceil(PARALLEL_MIN_BYTES / body.length) + 1))
    const id = await importFile(path)
    expect(folder.db.prepare('SELECT SUM(events) AS n FROM timeline_cell WHERE source_id = ? AND location IS NULL').get(id)).toEqual({
      n: rows.length * (Math.ceil(PARALLEL_MIN_BYTES / body.length) + 1)
    })
    expectSameAsRebuilt(id)
  })
})
