// export.start / export.list / export.verify through the Workbench (what both transports
// call): selection by source, by time and by tag, progress events, the typed result, the
// list from custody, and the verifier's report as a job.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../../electron/core/api/workbench'
import { openDatabase } from '../../../electron/core/case/database'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import type { JobProgress, Method, Request, ServerEvent } from '../../../shared/contract'
import { BagVerifyResult, ExportJobResult, ExportListItem } from '../../../shared/contracts/exports'
import { tempDir } from '../../helpers/tmp'
import { buildCase } from './exportFixture'

let tmp: ReturnType<typeof tempDir>
let wb: Workbench
let caseDir: string

async function call<M extends Method>(method: M, params: Request<M>): Promise<unknown> {
  const r = await wb.call(method, params)
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`)
  return r.result
}

/** Runs a job call and collects its progress events and its end event. */
async function runJob<M extends Method>(method: M, params: Request<M>): Promise<{ end: ServerEvent; progress: JobProgress[] }> {
  const progress: JobProgress[] = []
  let jobId: string | null = null
  const early: ServerEvent[] = []
  let finish: (e: ServerEvent) => void = () => undefined
  const ended = new Promise<ServerEvent>((resolve) => (finish = resolve))
  const off = wb.onEvent((e) => {
    if (e.type === 'case.changed') return
    if (jobId === null) return void early.push(e)
    if (e.jobId !== jobId) return
    if (e.type === 'job.progress') progress.push(e)
    else finish(e)
  })
  const { jobId: id } = (await call(method, params)) as { jobId: string }
  jobId = id
  for (const e of early) {
    if (e.type === 'case.changed' || e.jobId !== id) continue
    if (e.type === 'job.progress') progress.push(e)
    else finish(e)
  }
  const end = await ended
  off()
  return { end, progress }
}

function result<T>(end: ServerEvent, schema: { parse(v: unknown): T }): T {
  if (end.type !== 'job.done') throw new Error(`job ended ${end.type}: ${JSON.stringify(end)}`)
  return schema.parse(end.result)
}

beforeAll(async () => {
  tmp = tempDir()
  caseDir = join(tmp.path, 'case')
  const { folder } = await buildCase(caseDir)
  folder.close()
  wb = new Workbench({ transport: 'web', settings: new SettingsStore(join(tmp.path, 'config')) })
  await call('case.open', { dir: caseDir })
})
afterAll(() => {
  wb.close()
  tmp.cleanup()
})

describe('export.start', () => {
  it('exports the whole case as a zip into exports/ with progress, and lists it', async () => {
    const { end, progress } = await runJob('export.start', { recipient: 'District Court', purpose: 'Disclosure', format: 'zip', name: 'whole' })
    const r = result(end, ExportJobResult)
    expect(r.path).toBe(join(caseDir, 'exports', 'whole.zip'))
    expect(r.format).toBe('zip')
    expect(r.originals).toBe(3)
    expect(r.sources).toBe(3)
    expect(r.events).toBeGreaterThan(2000)
    expect(r.signer.fingerprint).toMatch(/^[0-9a-f]{64}$/)
    // Progress counted bytes of originals against their total, with rate and files.
    const last = progress[progress.length - 1]!
    expect(last.kind).toBe('export')
    expect(last.bytesTotal).toBeGreaterThan(0)
    expect(last.bytesDone).toBe(last.bytesTotal)
    expect(last.itemsTotal).toBe(3)
    expect(progress.some((p) => p.bytesPerSecond > 0)).toBe(true)

    const list = ExportListItem.array().parse(await call('export.list', {}))
    expect(list[0]).toMatchObject({ exportId: r.exportId, path: r.path, format: 'zip', exists: true, recipient: 'District Court', tagManifestSha256: r.tagManifestSha256 })
    expect(list[0]!.size).toBeGreaterThan(0)
  })

  it('selects by source and by time range', async () => {
    const sources = (await call('sources.list', {})) as { id: number; fileName: string; events: number }[]
    const syslog = sources.find((s) => s.fileName === 'Linux_2k.log')!
    const bySource = result((await runJob('export.start', { sourceIds: [syslog.id], format: 'folder', name: 'by-source' })).end, ExportJobResult)
    expect(bySource.sources).toBe(1)
    expect(bySource.originals).toBe(1)
    expect(bySource.events).toBe(syslog.events)

    const events = (await call('events.query', { sourceId: syslog.id, limit: 10 })) as { ts: string }[]
    const from = events[2]!.ts
    const to = events[7]!.ts
    const byTime = result((await runJob('export.start', { from, to, format: 'folder', name: 'by-time' })).end, ExportJobResult)
    const lines = readFileSync(join(byTime.path, 'data', 'events', 'events.jsonl'), 'utf8').trim().split('\n')
    expect(byTime.events).toBe(lines.length)
    for (const l of lines) {
      const ts = (JSON.parse(l) as { ts: string }).ts
      expect(ts >= from && ts < to).toBe(true)
    }
  })

  it('exports tagged or bookmarked events only (none while nothing is tagged)', async () => {
    const none = result((await runJob('export.start', { taggedOnly: true, format: 'folder', name: 'tagged-none' })).end, ExportJobResult)
    expect(none.events).toBe(0)
    expect(readFileSync(join(none.path, 'data', 'report', 'index.html'), 'utf8')).toContain('Tags: none recorded.')

    // Two events tagged through the contract, a third untagged again.
    const db = openDatabase(join(caseDir, 'case.db'), { readonly: true })
    const ids = (db.prepare('SELECT id FROM event ORDER BY id LIMIT 3 OFFSET 100').all() as { id: number }[]).map((r) => r.id)
    const third = db.prepare('SELECT ts FROM event WHERE id = ?').get(ids[2]) as { ts: number }
    const atThird = (db.prepare('SELECT id FROM event WHERE ts = ?').all(third.ts) as { id: number }[]).map((r) => r.id)
    db.close()
    expect(await call('events.tag', { eventIds: ids, tag: 'suspicious' })).toEqual({ changed: 3 })
    expect(await call('events.untag', { eventIds: [ids[2]!], tag: 'suspicious' })).toEqual({ changed: 1 })
    const tagged = result((await runJob('export.start', { taggedOnly: true, format: 'folder', name: 'tagged' })).end, ExportJobResult)
    expect(tagged.events).toBe(2)
    const jsonl = readFileSync(join(tagged.path, 'data', 'events', 'events.jsonl'), 'utf8').trim().split('\n')
    expect(jsonl.map((l) => (JSON.parse(l) as { id: number }).id).sort()).toEqual(ids.slice(0, 2).sort())
    const report = readFileSync(join(tagged.path, 'data', 'report', 'index.html'), 'utf8')
    expect(report).toMatch(/<td>suspicious<\/td><td>#\d+<br><span class="hash">[0-9a-f]{64}:\d+<\/span>/)
    const meta = JSON.parse(readFileSync(join(tagged.path, 'data', 'metadata', 'export.json'), 'utf8')) as { annotations: { tags: { eventId: number }[]; tagLog: { op: string }[] } }
    expect(meta.annotations.tags.map((t) => t.eventId).sort()).toEqual(ids.slice(0, 2).sort())
    expect(meta.annotations.tagLog.map((l) => l.op)).toEqual(['add', 'add', 'add', 'remove'])

    // A point bookmark at the untagged event's instant brings it (and any event at that instant) back.
    await call('bookmarks.create', { fromUs: third.ts, toUs: null, title: 'Third', narrative: 'bookmarked, not tagged' })
    const withBookmark = result((await runJob('export.start', { taggedOnly: true, format: 'folder', name: 'tagged-bookmarked' })).end, ExportJobResult)
    expect(withBookmark.events).toBe(new Set([...ids.slice(0, 2), ...atThird]).size)
    expect(readFileSync(join(withBookmark.path, 'data', 'report', 'index.html'), 'utf8')).toContain('bookmarked, not tagged')
  })

  it('refuses a bad selection with advice, and an existing name', async () => {
    const bad = await wb.call('export.start', { sourceIds: [999] })
    expect(bad.ok).toBe(true) // the job starts; the error arrives as job.failed
    const r = await runJob('export.start', { sourceIds: [999], name: 'bad' })
    expect(r.end.type).toBe('job.failed')
    if (r.end.type === 'job.failed') expect(r.end.error).toEqual({ code: 'BAD_REQUEST', message: expect.stringMatching(/no source #999.*iwb sources/) })
    const dup = await runJob('export.start', { format: 'folder', name: 'by-source' })
    expect(dup.end.type === 'job.failed' && dup.end.error.code).toBe('CONFLICT')
    const invalid = await wb.call('export.start', { name: '../escape' })
    expect(invalid.ok).toBe(false)
  })

  it('cancels: the job ends cancelled, no bag is left, custody records it', async () => {
    let jobId = ''
    const ended = new Promise<ServerEvent>((resolve) =>
      wb.onEvent((e) => {
        if (e.type === 'job.progress' && e.jobId === jobId && e.bytesDone > 0) void wb.call('jobs.cancel', { jobId })
        if ((e.type === 'job.cancelled' || e.type === 'job.done') && e.jobId === jobId) resolve(e)
      })
    )
    jobId = ((await call('export.start', { format: 'folder', name: 'cancelled' })) as { jobId: string }).jobId
    const end = await ended
    if (end.type === 'job.cancelled') {
      const { readdirSync } = await import('node:fs')
      expect(readdirSync(join(caseDir, 'exports')).filter((n) => n.startsWith('cancelled'))).toEqual([])
      const custody = (await call('custody.list', { afterSeq: 0, limit: 10_000 })) as { action: string }[]
      expect(custody.some((c) => c.action === 'export.cancelled')).toBe(true)
    } else {
      // A small case can finish before the cancel lands; then it must be a complete bag.
      expect(end.type).toBe('job.done')
    }
  })
})

describe('export.verify', () => {
  it('runs the bag verifier as a job and records the check in custody', async () => {
    const list = ExportListItem.array().parse(await call('export.list', {}))
    const zip = list.find((e) => e.path.endsWith('whole.zip'))!
    const { end } = await runJob('export.verify', { exportId: zip.exportId })
    const report = result(end, BagVerifyResult)
    expect(report.ok).toBe(true)
    expect(report.problems).toEqual([])
    expect(report.signer?.valid).toBe(true)
    expect(report.bytesHashed).toBeGreaterThan(0)
    const custody = (await call('custody.list', { afterSeq: 0, limit: 10_000 })) as { action: string; details: Record<string, unknown> }[]
    expect(custody.filter((c) => c.action === 'export.verified').at(-1)?.details).toMatchObject({ exportId: zip.exportId, ok: true })
  })

  it('names an unknown export', async () => {
    const r = await wb.call('export.verify', { exportId: 'nope' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.code).toBe('NOT_FOUND')
  })
})
