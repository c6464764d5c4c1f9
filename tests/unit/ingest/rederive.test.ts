// Changing how a source's times are read re-derives every event from the original and is
// recorded in custody: an offset shifts, a zone or year change re-reads the file.
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { rederiveSource } from '../../../electron/core/ingest/rederive'
import { listSources, queryEvents } from '../../../electron/core/timeline/eventQuery'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

describe('re-deriving a source’s times', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  let sourceId: number
  beforeEach(async () => {
    tmp = tempDir()
    folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Retime', examiner: 'Kim', timeZone: 'UTC' })
    const acquired = await acquireEvidence(folder, { path: sample('syslog/Linux_2k.log') }, { examiner: 'Kim' })
    const report = await importEvidence(folder, { evidenceId: acquired.evidence!.id, examiner: 'Kim', year: 2005, timeZone: 'UTC' })
    expect(report.status).toBe('complete')
    sourceId = report.sourceId!
  })
  afterEach(() => {
    folder.close()
    tmp.cleanup()
  })

  // Line 1 of Linux_2k.log: "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; …"
  const first = () => queryEvents(folder.db, { limit: 1 })[0]!

  it('shifts every event by a new clock offset and says so in custody', async () => {
    expect(first().ts).toBe('2005-06-14T15:16:01.000Z')
    const s = await rederiveSource(folder, sourceId, { offsetUs: -43_000_000, reason: 'clock 43 s fast per NTP log' }, 'Kim')
    expect(s.clockOffsetUs).toBe(-43_000_000)
    expect(first().ts).toBe('2005-06-14T15:15:18.000Z')
    expect(first().sourceTs).toBe('2005-06-14T15:16:01.000Z')
    expect(s.firstTs).toBe('2005-06-14T15:15:18.000Z')
    const entry = listCustody(folder.db).at(-1)!
    expect(entry).toMatchObject({ action: 'source.time-changed', object: `source ${sourceId}` })
    expect(entry.details).toMatchObject({ reason: 'clock 43 s fast per NTP log', reparsed: false, from: { clockOffset: '0s' }, to: { clockOffset: '-43s' } })
  })

  it('re-reads the original in a new zone and year, keeping the event count and the text index', async () => {
    const s = await rederiveSource(folder, sourceId, { timeZone: 'Asia/Hong_Kong', year: 2006, reason: 'server was in Hong Kong' }, 'Kim')
    expect(s.events).toBe(2000)
    expect(s.timeZone).toBe('Asia/Hong_Kong')
    // 15:16:01 in Hong Kong (UTC+8) on 14 June 2006.
    expect(first().ts).toBe('2006-06-14T07:16:01.000Z')
    expect(first().rawTime).toBe('Jun 14 15:16:01')
    expect(listSources(folder.db)[0]!.time.yearInference?.basis).toBe('explicit')
    expect(queryEvents(folder.db, { q: '218.188.2.4' })).toHaveLength(14)
    expect(folder.db.prepare('SELECT COUNT(*) AS n FROM event').get()).toEqual({ n: 2000 })
    expect(listCustody(folder.db).at(-1)?.details).toMatchObject({ reparsed: true, events: 2000, to: { timeZone: 'Asia/Hong_Kong', explicitYear: 2006 } })
  })
})
