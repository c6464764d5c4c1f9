// An export killed half way (kill -9 of the CLI) leaves nothing that looks like a finished
// bag; the next case open — or the next export — removes the leftovers and records
// export.interrupted in custody, naming the export that never finished.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Workbench } from '../../../electron/core/api/workbench'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { cleanInterruptedExports, findInterruptedExports } from '../../../electron/core/export/interruptedExports'
import { SettingsStore } from '../../../electron/core/settings/settingsStore'
import { iwb, projectRoot } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'

let tmp: ReturnType<typeof tempDir>
let caseDir: string
let env: Record<string, string>
const SIZE_MIB = 512

beforeAll(() => {
  tmp = tempDir()
  env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
  caseDir = join(tmp.path, 'case')
  const big = join(tmp.path, 'camera-dump.bin')
  const fd = openSync(big, 'w')
  const block = randomBytes(16 * 1024 * 1024)
  for (let i = 0; i < SIZE_MIB / 16; i++) writeSync(fd, block)
  closeSync(fd)
  expect(iwb(['case', 'create', caseDir, '--name', 'Kill test', '--tz', 'UTC', '--examiner', 'Robin'], env).code).toBe(0)
  const acq = iwb(['acquire', caseDir, big, '--examiner', 'Robin'], env)
  expect(acq.code, acq.stderr).toBe(0)
})
afterAll(() => tmp.cleanup())

/** Starts `iwb export` and SIGKILLs it once its partial bag holds some original bytes. */
async function killMidExport(args: string[], exportsDir = join(caseDir, 'exports')): Promise<string[]> {
  const child = spawn(process.execPath, [join(projectRoot, 'out', 'main', 'iwb.js'), 'export', caseDir, '--examiner', 'Robin', ...args], {
    env: { ...process.env, ...env },
    stdio: 'ignore'
  })
  const deadline = Date.now() + 60_000
  let killedAt: number | null = null
  while (Date.now() < deadline) {
    const partial = existsSync(exportsDir) ? readdirSync(exportsDir).find((n) => /\.partial-[0-9a-f]{12}$/.test(n) && !n.startsWith('unrelated')) : undefined
    if (partial) {
      const p = join(exportsDir, partial)
      const st = statSync(p)
      const bytes = st.isDirectory()
        ? (() => {
            const orig = join(p, 'data', 'originals')
            return existsSync(orig) ? readdirSync(orig).reduce((n, f) => n + statSync(join(orig, f)).size, 0) : 0
          })()
        : st.size
      if (bytes > 16 * 1024 * 1024) {
        child.kill('SIGKILL')
        killedAt = bytes
        break
      }
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 10))
  }
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('exit', r)))
  expect(killedAt, 'the export finished before it could be killed').not.toBeNull()
  expect(child.signalCode).toBe('SIGKILL')
  return readdirSync(exportsDir)
}

describe('an export killed half way', () => {
  it('leaves only .partial leftovers; the next case open removes them and records export.interrupted', async () => {
    const left = await killMidExport(['--out', join(caseDir, 'exports', 'killed')])
    // Nothing with the bag's final name, nothing that is not marked partial.
    expect(left.length).toBeGreaterThan(0)
    expect(left.every((n) => n.includes('.partial-'))).toBe(true)
    expect(existsSync(join(caseDir, 'exports', 'killed'))).toBe(false)
    const partialDir = join(caseDir, 'exports', left.find((n) => /\.partial-[0-9a-f]{12}$/.test(n))!)
    expect(existsSync(join(partialDir, 'bagit.txt'))).toBe(false) // bagit.txt is written last
    const bytesLeft = findInterruptedExports(join(caseDir, 'exports'))[0]!.bytes

    const wb = new Workbench({ transport: 'web', settings: new SettingsStore(join(tmp.path, 'config')) })
    try {
      const opened = await wb.call('case.open', { dir: caseDir })
      expect(opened.ok).toBe(true)
      expect(readdirSync(join(caseDir, 'exports'))).toEqual([])
      const custody = listCustody(wb.requireCase().db, 0, 10_000)
      const started = custody.filter((c) => c.action === 'export.started').at(-1)!
      const interrupted = custody.filter((c) => c.action === 'export.interrupted')
      expect(interrupted).toHaveLength(1)
      const removed = (interrupted[0]!.details as { removed: Record<string, unknown>[] }).removed
      expect(removed).toHaveLength(1)
      expect(removed[0]).toMatchObject({
        intendedPath: join(caseDir, 'exports', 'killed'),
        kind: 'directory',
        exportId: (started.details as { exportId: string }).exportId,
        bytes: bytesLeft
      })
      expect(removed[0]!.writerPid).toEqual(expect.any(Number))
    } finally {
      wb.close()
    }
  }, 120_000)

  it('a killed zip export is cleaned up by the next export, which says so', async () => {
    const left = await killMidExport(['--zip', '--out', join(caseDir, 'exports', 'killed-zip')])
    expect(left.every((n) => n.includes('.partial-'))).toBe(true)
    expect(existsSync(join(caseDir, 'exports', 'killed-zip.zip'))).toBe(false)
    const again = iwb(['export', caseDir, '--examiner', 'Robin', '--out', join(caseDir, 'exports', 'after'), '--zip'], env)
    expect(again.code, again.stderr).toBe(0)
    expect(again.stdout).toMatch(/cleaned\s+1 unfinished export/)
    expect(readdirSync(join(caseDir, 'exports'))).toEqual(['after.zip'])
    const folder = CaseFolder.open(caseDir, { readonly: true })
    try {
      const last = listCustody(folder.db, 0, 10_000).filter((c) => c.action === 'export.interrupted').at(-1)!
      expect((last.details as { removed: { intendedPath: string; kind: string }[] }).removed[0]).toMatchObject({ intendedPath: join(caseDir, 'exports', 'killed-zip.zip'), kind: 'zip' })
    } finally {
      folder.close()
    }
  }, 120_000)

  it('also cleans an unfinished export written outside the case, touching only its own leftovers', async () => {
    const outside = join(tmp.path, 'outside')
    mkdirSync(outside, { recursive: true })
    writeFileSync(join(outside, 'unrelated.partial-aaaaaaaaaaaa'), 'not ours')
    await killMidExport(['--out', join(outside, 'bag')], outside)
    const folder = CaseFolder.open(caseDir)
    try {
      const removed = cleanInterruptedExports(folder, 'Robin')
      expect(removed.map((r) => r.intendedPath)).toEqual([join(outside, 'bag')])
      expect(readdirSync(outside)).toEqual(['unrelated.partial-aaaaaaaaaaaa'])
    } finally {
      folder.close()
    }
  }, 120_000)

  it('never removes a partial bag whose writer is still running', () => {
    const exportsDir = join(caseDir, 'exports')
    const live = join(exportsDir, 'live.partial-0123456789ab')
    mkdirSync(live)
    writeFileSync(`${live}.owner`, JSON.stringify({ pid: process.pid, host: hostname(), startedAt: new Date().toISOString() }))
    const folder = CaseFolder.open(caseDir)
    try {
      expect(cleanInterruptedExports(folder, 'Robin')).toEqual([])
      expect(existsSync(live)).toBe(true)
    } finally {
      folder.close()
    }
  })
})
