// The contract is enforced where messages arrive: malformed calls are refused with
// BAD_REQUEST before any handler runs, and long jobs report progress and a typed result.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Workbench } from '../../../electron/core/api/workbench'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import { AcquireResult } from '../../../shared/model'
import type { ServerEvent } from '../../../shared/contract'
import { tempDir } from '../../helpers/tmp'

describe('API contract', () => {
  let tmp: ReturnType<typeof tempDir>
  let wb: Workbench
  beforeEach(() => {
    tmp = tempDir()
    wb = new Workbench({ transport: 'web', settings: new SettingsStore(join(tmp.path, 'config')) })
  })
  afterEach(() => {
    wb.close()
    tmp.cleanup()
  })

  it.each([
    ['unknown method', 'case.destroy', {}, /Unknown method/],
    ['wrong type', 'case.create', { dir: 42, name: 'x' }, /Invalid request for case.create/],
    ['missing field', 'case.create', { name: 'x' }, /dir/],
    ['extra field', 'case.open', { dir: '/tmp/x', sql: 'DROP TABLE custody' }, /Unrecognized key/i],
    ['empty list', 'evidence.acquire', { paths: [] }, /Invalid request/],
    ['not an object', 'custody.list', 'seq > 0', /Invalid request/]
  ])('refuses a malformed call: %s', async (_label, method, params, message) => {
    const r = await wb.call(method, params)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_REQUEST')
      expect(r.error.message).toMatch(message)
    }
  })

  it('says what to do when no case is open', async () => {
    const r = await wb.call('evidence.list', {})
    expect(r).toEqual({ ok: false, error: { code: 'NO_CASE', message: 'No case is open. Create or open a case first.' } })
  })

  it('refuses an unknown time zone with advice', async () => {
    const r = await wb.call('case.create', { dir: join(tmp.path, 'c'), name: 'x', timeZone: 'Mars/Olympus' })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.message).toMatch(/Unknown time zone "Mars\/Olympus". Use an IANA name/)
  })

  it('runs an acquisition as a job with progress and a typed result', async () => {
    const created = await wb.call('case.create', { dir: join(tmp.path, 'c'), name: 'Job test', timeZone: 'UTC' })
    expect(created.ok).toBe(true)
    const file = join(tmp.path, 'x.log')
    writeFileSync(file, 'x'.repeat(10_000_000))
    const events: ServerEvent[] = []
    const done = new Promise<ServerEvent>((resolve) =>
      wb.onEvent((e) => {
        events.push(e)
        if (e.type === 'job.done' || e.type === 'job.failed') resolve(e)
      })
    )
    const started = await wb.call('evidence.acquire', { paths: [file], note: 'n' })
    expect(started.ok).toBe(true)
    const end = await done
    expect(end.type).toBe('job.done')
    const result = AcquireResult.parse(end.type === 'job.done' ? end.result : null)
    expect(result.items[0]?.outcome).toBe('acquired')
    const progress = events.filter((e) => e.type === 'job.progress')
    expect(progress.length).toBeGreaterThan(0)
    expect(progress.at(-1)).toMatchObject({ bytesDone: 10_000_000, bytesTotal: 10_000_000, itemsDone: 1, itemsTotal: 1 })
    expect(events.some((e) => e.type === 'case.changed' && e.summary?.evidenceCount === 1)).toBe(true)
  })
})
