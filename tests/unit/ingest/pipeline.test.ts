// The import pipeline's guarantees, with a minimal importer defined here so that the
// pipeline is tested apart from any one format: all-or-nothing, refusal of the wrong
// format, cancel, hostile inputs, byte references, custody of every time decision.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { importEvidence } from '../../../electron/core/ingest/importPipeline'
import { bad, ok, type Importer } from '../../../electron/core/ingest/types'
import { getEvent, listSources, originalBytes, queryEvents } from '../../../electron/core/timeline/eventQuery'
import { tempDir } from '../../helpers/tmp'

// "2024-03-05 10:00:01 door=Dock 2 user=alice granted": zone-less local stamps.
const LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) door=(.+?) user=(\S+) (granted|denied)$/
const testImporter: Importer = {
  id: 'test-doors',
  name: 'Test door log',
  description: 'lines written by this test',
  sniff: (input) => (input.lines.slice(0, 5).some((l) => LINE.test(l)) ? 0.9 : 0),
  createLineParser: () => ({
    line(text) {
      const m = LINE.exec(text)
      if (!m) return bad('not a door line')
      const [, y, mo, d, h, mi, s, door, user, result] = m
      return ok({
        time: { kind: 'local', year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), micros: 0 },
        rawTime: text.slice(0, 19),
        category: 'access',
        action: result!,
        outcome: result === 'granted' ? 'success' : 'failure',
        actor: user,
        location: door,
        message: `${user} ${result} at ${door}`
      })
    }
  })
}

function doorLines(n: number, start = 0): string {
  let out = ''
  for (let i = start; i < start + n; i++) {
    const s = String(i % 60).padStart(2, '0')
    const m = String(Math.floor(i / 60) % 60).padStart(2, '0')
    out += `2024-03-05 10:${m}:${s} door=Dock ${i % 3} user=user${i} ${i % 7 === 0 ? 'denied' : 'granted'}\n`
  }
  return out
}

describe('import pipeline', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  beforeEach(() => {
    tmp = tempDir()
    folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Pipeline', examiner: 'Ana', timeZone: 'America/Chicago' })
  })
  afterEach(() => {
    folder.close()
    tmp.cleanup()
  })

  async function acquire(name: string, content: string | Buffer): Promise<number> {
    const p = join(tmp.path, name)
    writeFileSync(p, content)
    const r = await acquireEvidence(folder, { path: p }, { examiner: 'Ana' })
    return r.evidence!.id
  }
  const run = (evidenceId: number, extra: Partial<Parameters<typeof importEvidence>[1]> = {}) =>
    importEvidence(folder, { evidenceId, examiner: 'Ana', importers: [testImporter], ...extra })

  it('imports every line with its zone decision, byte reference and custody entry', async () => {
    const content = doorLines(500)
    const id = await acquire('doors.log', content)
    const report = await run(id)
    expect(report.status).toBe('complete')
    expect(report.format).toBe('test-doors')
    expect(report.formatChosenBy).toBe('detected')
    expect(report.events).toBe(500)
    // 10:00:00 CST (UTC-6) on 5 March 2024 is 16:00:00Z.
    expect(report.firstTs).toBe('2024-03-05T16:00:00.000Z')
    expect(report.time?.timeZone).toBe('America/Chicago')
    expect(report.time?.stampsInSourceZone).toBe(500)

    const [source] = listSources(folder.db)
    expect(source).toMatchObject({ events: 500, badLines: 0, timeZone: 'America/Chicago', format: 'test-doors', fileName: 'doors.log' })
    const events = queryEvents(folder.db, { limit: 10_000 })
    expect(events).toHaveLength(500)
    const e = events[137]!
    expect(e.ref.line).toBe(138)
    const bytes = await originalBytes(folder, e)
    expect(bytes.toString('utf8')).toBe(content.split('\n')[137])
    expect(e.rawTime).toBe('2024-03-05 10:02:17')
    expect(e.ts).toBe('2024-03-05T16:02:17.000Z')
    expect(e.flags.zoneAssumed).toBe(true)

    const custody = listCustody(folder.db)
    const started = custody.find((c) => c.action === 'import.started')
    const completed = custody.find((c) => c.action === 'import.completed')
    expect(started?.details).toMatchObject({ format: 'test-doors', timeZone: 'America/Chicago', clockOffset: '0s' })
    expect(completed?.details).toMatchObject({ events: 500, sourceId: source!.id, importId: started?.details.importId })
  })

  it('finds events by free text and filters', async () => {
    await run(await acquire('doors.log', doorLines(100)))
    expect(queryEvents(folder.db, { q: 'user42' }).map((e) => e.actor)).toEqual(['user42'])
    expect(queryEvents(folder.db, { q: 'Dock', outcome: 'failure' })).toHaveLength(15)
    expect(queryEvents(folder.db, { from: '2024-03-05T16:01:00Z', to: '2024-03-05T16:01:10Z' })).toHaveLength(10)
    const first = queryEvents(folder.db, { limit: 1 })[0]!
    expect(getEvent(folder.db, first.id)?.message).toBe('user0 denied at Dock 0')
  })

  it('applies a clock offset and a time zone chosen by the investigator', async () => {
    const report = await run(await acquire('doors.log', doorLines(3)), { timeZone: 'Europe/Lisbon', offsetUs: 43_000_000 })
    expect(report.firstTs).toBe('2024-03-05T10:00:43.000Z')
    const e = queryEvents(folder.db, {})[0]!
    expect(e.sourceTs).toBe('2024-03-05T10:00:00.000Z')
    expect(listSources(folder.db)[0]).toMatchObject({ timeZone: 'Europe/Lisbon', clockOffsetUs: 43_000_000 })
  })

  it('keeps a few bad lines with their numbers and first bytes', async () => {
    const content = doorLines(40) + 'garbage in the middle\n' + doorLines(40, 40) + '\n\n' + 'x'.repeat(300) + '\n'
    const report = await run(await acquire('doors.log', content))
    expect(report.status).toBe('complete')
    expect(report.events).toBe(80)
    expect(report.badLines).toBe(2)
    expect(report.issues[0]).toMatchObject({ line: 41, reason: 'not a door line', excerpt: 'garbage in the middle' })
    expect(report.issues[1]!.line).toBe(84)
    expect(report.issues[1]!.excerpt).toHaveLength(200)
  })

  it('refuses a file that is clearly not of the chosen format and keeps nothing', async () => {
    const id = await acquire('other.log', doorLines(5) + 'Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown\n'.repeat(50))
    const report = await run(id, { format: 'test-doors' })
    expect(report.status).toBe('failed')
    expect(report.message).toMatch(/clearly not Test door log: 50 of 55 lines could not be read\. First problem, line 6: not a door line/)
    expect(listSources(folder.db)).toEqual([])
    expect(queryEvents(folder.db, {})).toEqual([])
    expect(listCustody(folder.db).at(-1)).toMatchObject({ action: 'import.failed', object: `evidence ${id}` })
  })

  it('cancels cleanly: no events, no source, custody says so', async () => {
    const id = await acquire('doors.log', doorLines(30_000))
    const controller = new AbortController()
    const report = await run(id, { signal: controller.signal, onProgress: () => controller.abort() })
    expect(report.status).toBe('cancelled')
    expect(listSources(folder.db)).toEqual([])
    expect(folder.db.prepare('SELECT COUNT(*) AS n FROM event').get()).toEqual({ n: 0 })
    expect(listCustody(folder.db).at(-1)?.action).toBe('import.cancelled')
  })

  it('gives empty files, binary garbage and unknown text a clear outcome', async () => {
    const empty = await run(await acquire('empty.log', ''))
    expect(empty).toMatchObject({ status: 'failed', message: 'empty.log is empty: there is nothing to import.' })
    const binary = Buffer.alloc(70_000)
    for (let i = 0; i < binary.length; i++) binary[i] = (i * 7919) % 256
    const garbage = await run(await acquire('blob.bin', binary))
    expect(garbage.message).toMatch(/looks like binary data/)
    const prose = await run(await acquire('letter.txt', 'Dear auditor,\nplease find attached.\n'))
    expect(prose.message).toMatch(/format of letter.txt was not recognised.*--format/)
    expect(listCustody(folder.db).filter((c) => c.action === 'import.refused')).toHaveLength(3)
  })

  it('reports a 50 MB single line once, without hanging or keeping it in memory', async () => {
    const huge = Buffer.alloc(50 * 1024 * 1024, 0x41)
    const id = await acquire('oneline.log', Buffer.concat([Buffer.from(doorLines(1)), huge, Buffer.from('\n' + doorLines(1, 1))]))
    const report = await run(id, { format: 'test-doors' })
    expect(report.status).toBe('complete')
    expect(report.events).toBe(2)
    expect(report.issues[0]!.line).toBe(2)
    expect(report.issues[0]!.reason).toMatch(/52428800 bytes long, over the 1 MiB limit/)
  })

  it('decodes invalid UTF-8 with replacement and flags the event', async () => {
    const bytes = Buffer.concat([Buffer.from('2024-03-05 10:00:01 door=D'), Buffer.from([0xff, 0xfe]), Buffer.from(' user=bob granted\n')])
    await run(await acquire('latin.log', bytes))
    const [e] = queryEvents(folder.db, {})
    expect(e!.location).toBe('D\uFFFD\uFFFD')
    expect(e!.flags.invalidUtf8).toBe(true)
    expect(listSources(folder.db)[0]!.invalidUtf8Lines).toBe(1)
  })
})
