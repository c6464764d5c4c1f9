// What goes into data/: the events as canonical JSON lines and formula-safe CSV (read
// back with csv-parse), and the selection (time range, sources) deciding which events and
// which originals are exported.
import { parse } from 'csv-parse/sync'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventRecord } from '../../../shared/ingestModel'
import { canonicalJson } from '../../../shared/canonicalJson'
import { listCustody } from '../../../electron/core/case/custody'
import type { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { csvCell, csvRow } from '../../../electron/core/export/csvSafe'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { safeFileName } from '../../../electron/core/export/bagPaths'
import { zoneFormatter } from '../../../electron/core/export/eventFiles'
import { formatInZone, isoToMicros } from '../../../shared/time'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { listSources } from '../../../electron/core/timeline/eventQuery'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER, listFiles } from './exportFixture'

const HOSTILE = ["=cmd|' /C calc'!A0", '+1', '-1', '@SUM(1)', '\tTAB', '\rCR'] as const

describe('csvCell', () => {
  it('prefixes cells that start with = + - @ tab or CR with an apostrophe, and quotes by RFC 4180', () => {
    expect(csvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0")
    expect(csvCell('+1')).toBe("'+1")
    expect(csvCell('-1')).toBe("'-1")
    expect(csvCell(-1)).toBe("'-1")
    expect(csvCell('@SUM(1)')).toBe("'@SUM(1)")
    expect(csvCell('\tTAB')).toBe("'\tTAB")
    expect(csvCell('\rCR')).toBe('"\'\rCR"')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"')
    expect(csvCell('1+1=2')).toBe('1+1=2')
    expect(csvCell(null)).toBe('')
    const rows = parse(csvRow(HOSTILE) + csvRow(['ok', 'x,y', 'q"q']), { relax_column_count: true }) as string[][]
    expect(rows[0]).toEqual(HOSTILE.map((h) => `'${h}`))
    expect(rows[1]).toEqual(['ok', 'x,y', 'q"q'])
  })

  it('writes CSV times in the case zone exactly as the shared formatter does, across DST changes', () => {
    for (const zone of ['Europe/Berlin', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC']) {
      const inZone = zoneFormatter(zone)
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2025, 0, 1); ms += 37 * 60 * 1000 + 7) {
        const iso = new Date(ms).toISOString()
        expect(inZone(iso), `${zone} ${iso}`).toBe(formatInZone(isoToMicros(iso)!, zone))
      }
    }
    expect(zoneFormatter('Europe/Berlin')('2024-03-31T01:00:00.123456Z')).toBe('2024-03-31 03:00:00.123456 +02:00')
  })

  it('makes safe file names of any original name', () => {
    expect(safeFileName('Zürich badge export (1).csv')).toBe('Zurich_badge_export_1_.csv')
    expect(safeFileName('../../etc/passwd')).toBe('etc_passwd')
    expect(safeFileName('.hidden')).toBe('hidden')
    expect(safeFileName('日本語.log')).toBe('log')
    expect(safeFileName(`${'a'.repeat(300)}.evtx`)).toMatch(/^a+\.evtx$/)
    expect(safeFileName(`${'a'.repeat(300)}.evtx`).length).toBe(100)
  })
})

describe('events and selection in an exported bag', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  let keysDir: string
  let hostileId: number
  beforeAll(async () => {
    tmp = tempDir('iwb-export-content-')
    keysDir = join(tmp.path, 'keys')
    folder = (await buildCase(join(tmp.path, 'case'))).folder
    // A CloudTrail record from the shared sample, its fields set to formula payloads,
    // taken in and imported through the real pipeline.
    const record = JSON.parse(readFileSync(sample('cloud/crowdsec_aws-cloudtrail.jsonl'), 'utf8').split('\n')[0]!) as Record<string, unknown>
    const records = [
      { ...record, eventTime: '2023-03-29T14:39:10Z', eventName: HOSTILE[0], userIdentity: { type: 'IAMUser', userName: HOSTILE[1], arn: HOSTILE[2] }, awsRegion: HOSTILE[3] },
      { ...record, eventTime: '2023-03-29T14:39:11Z', eventName: HOSTILE[4], userIdentity: { type: 'IAMUser', userName: HOSTILE[5], arn: 'arn:aws:iam::1:user/x' } }
    ]
    const file = join(tmp.path, 'hostile-cloudtrail.jsonl')
    writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const acquired = await acquireEvidence(folder, { path: file }, { examiner: EXAMINER })
    hostileId = acquired.evidence!.id
    const report = await importEvidence(folder, { evidenceId: hostileId, examiner: EXAMINER, format: 'aws-cloudtrail' })
    expect(report.status).toBe('complete')
    expect(report.events).toBe(2)
  })
  afterAll(() => {
    folder.close()
    tmp.cleanup()
  })

  it('neutralises formula-looking cells in events.csv, keeps the values exact in events.jsonl', async () => {
    const source = listSources(folder.db).find((s) => s.evidenceId === hostileId)!
    const bag = join(tmp.path, 'csv-bag')
    const result = await exportBag(folder, { out: bag, examiner: EXAMINER, keysDir, sourceIds: [source.id] })
    expect(result.events).toBe(2)
    const csvText = readFileSync(join(bag, 'data/events/events.csv'), 'utf8')
    expect(csvText.startsWith('\ufeffevent_id,time_utc,')).toBe(true)
    expect(csvText).toContain('\r\n')
    const rows = parse(csvText, { bom: true, columns: true }) as Record<string, string>[]
    expect(rows).toHaveLength(2)
    expect(rows[0]!.message!.startsWith(`'=cmd|' /C calc'!A0 by +1 from `)).toBe(true)
    expect(rows[0]!.actor).toBe("'+1")
    expect(rows[0]!.actor_id).toBe("'-1")
    expect(rows[0]!.location).toBe("'@SUM(1)")
    expect(rows[1]!.message!.startsWith(`'\tTAB by \rCR from `)).toBe(true)
    expect(rows[1]!.actor).toBe("'\rCR")
    // No cell anywhere in the file starts a formula.
    const all = parse(csvText, { bom: true }) as string[][]
    for (const row of all) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/)
    // The JSON lines keep what the logs said, one canonical object per line.
    const lines = readFileSync(join(bag, 'data/events/events.jsonl'), 'utf8').trimEnd().split('\n')
    const events = lines.map((l) => JSON.parse(l) as EventRecord)
    lines.forEach((l, i) => expect(l).toBe(canonicalJson(events[i])))
    expect(events[0]).toMatchObject({ actor: '+1', actorId: '-1', location: '@SUM(1)', message: expect.stringMatching(/^=cmd\|' \/C calc'!A0 by \+1 /) })
    expect(events[1]).toMatchObject({ actor: '\rCR' })
    expect(readFileSync(join(bag, 'README.txt'), 'utf8')).toMatch(/begins with =, \+, -, @, a tab or a carriage return is\s+written with a leading apostrophe/)
    expect((await verifyBag(bag)).ok).toBe(true)
  })

  it('a time range selects its events and the originals of the sources that have events in it', async () => {
    const sources = listSources(folder.db)
    const evtx = sources.find((s) => s.fileName.endsWith('.evtx'))!
    const bag = join(tmp.path, 'range-bag')
    // The EVTX sample spans 2020-07-22T20:29:27Z → 20:29:36Z; nothing else is in 2020.
    const result = await exportBag(folder, { out: bag, examiner: EXAMINER, keysDir, from: '2020-07-22T20:29:30Z', to: '2020-07-22T20:29:36.5Z' })
    const events = readFileSync(join(bag, 'data/events/events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as EventRecord)
    expect(events.length).toBe(result.events)
    expect(events.length).toBeGreaterThan(0)
    expect(events.length).toBeLessThan(evtx.events)
    for (const e of events) {
      expect(e.sourceId).toBe(evtx.id)
      expect(e.ts >= '2020-07-22T20:29:30' && e.ts < '2020-07-22T20:29:36.5').toBe(true)
    }
    expect(events.map((e) => `${e.ts}/${e.id}`)).toEqual(events.map((e) => `${e.ts}/${e.id}`).sort())
    expect(listFiles(bag).filter((f) => f.startsWith('data/originals/'))).toEqual([`data/originals/${String(evtx.evidenceId).padStart(4, '0')}-kerberos_pwd_spray_4771.evtx`])
    const info = readFileSync(join(bag, 'bag-info.txt'), 'utf8')
    expect(info).toMatch(/^Selection: events from 2020-07-22T20:29:30Z up to \(not including\) 2020-07-22T20:29:36\.5Z, with the originals of those sources$/m)
    expect((await verifyBag(bag)).ok).toBe(true)
    // The case's custody entry for the export records who, the selection and the bag's tag-manifest hash.
    const done = listCustody(folder.db, 0, 1_000_000).filter((c) => c.action === 'export.completed').at(-1)!
    expect(done).toMatchObject({ examiner: EXAMINER, details: { exportId: result.exportId, selection: { from: '2020-07-22T20:29:30Z', to: '2020-07-22T20:29:36.5Z', sourceIds: null }, tagManifestSha256: result.tagManifestSha256 } })
  })

  it('sources select their events and originals; no filter exports the whole case', async () => {
    const sources = listSources(folder.db)
    const picked = sources.filter((s) => !s.fileName.endsWith('.evtx') && s.evidenceId !== hostileId)
    const bag = join(tmp.path, 'sources-bag')
    const result = await exportBag(folder, { out: bag, examiner: EXAMINER, keysDir, sourceIds: picked.map((s) => s.id) })
    expect(result.events).toBe(picked.reduce((n, s) => n + s.events, 0))
    const ids = new Set(readFileSync(join(bag, 'data/events/events.jsonl'), 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as EventRecord).sourceId))
    expect([...ids].sort()).toEqual(picked.map((s) => s.id).sort())
    expect(listFiles(bag).filter((f) => f.startsWith('data/originals/'))).toHaveLength(picked.length)
    const whole = await exportBag(folder, { out: join(tmp.path, 'whole-bag'), examiner: EXAMINER, keysDir })
    expect(whole.originals).toBe(sources.length)
    expect(whole.events).toBe(sources.reduce((n, s) => n + s.events, 0))
    const meta = JSON.parse(readFileSync(join(tmp.path, 'whole-bag', 'data/metadata/export.json'), 'utf8')) as {
      originals: { bagPath: string; originalName: string; originalPath: string; sha256: string }[]
      sources: { id: number; time: unknown }[]
    }
    expect(meta.originals.map((o) => o.originalName).sort()).toEqual(['Linux_2k.log', 'crowdsec_aws-cloudtrail.jsonl', 'hostile-cloudtrail.jsonl', 'kerberos_pwd_spray_4771.evtx'])
    expect(meta.sources).toHaveLength(sources.length)
    expect(meta.sources[0]!.time).toBeDefined()
  })
})
