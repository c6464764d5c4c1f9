// A killed import (SIGKILL: no handler runs, no rollback by us) leaves the case consistent:
// SQLite drops the open transaction, so there is no source and no event; the file stays
// evidence; custody holds the acquisition and import.started, and the next writable open
// records import.interrupted for the same importId; verify passes; importing the same
// file again completes with every line.
import { spawn } from 'node:child_process'
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImportReport } from '../../../shared/ingestModel'
import { iwb, projectRoot } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'

const TARGET_BYTES = 60 * 1024 * 1024
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** RFC 3164 lines, one second apart from 1 March (no year: inferred from the file time). */
function writeSyslog(path: string): { lines: number; bytes: number } {
  const fd = openSync(path, 'w')
  let lines = 0
  let bytes = 0
  try {
    const start = Date.UTC(2024, 2, 1, 0, 0, 0)
    while (bytes < TARGET_BYTES) {
      let chunk = ''
      for (let k = 0; k < 10_000; k++, lines++) {
        const d = new Date(start + lines * 1000)
        const stamp = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${d.toISOString().slice(11, 19)}`
        chunk += `${stamp} mailhost sshd[${1000 + (lines % 30000)}]: Failed password for user${lines % 997} from 203.0.113.${lines % 250} port ${1024 + (lines % 60000)} ssh2\n`
      }
      bytes += writeSync(fd, chunk)
    }
  } finally {
    closeSync(fd)
  }
  return { lines, bytes }
}

interface Custody {
  seq: number
  action: string
  object: string
  details: Record<string, unknown>
}

describe('killing an import mid-way', () => {
  let tmp: ReturnType<typeof tempDir>
  let env: Record<string, string>
  let caseDir: string
  let file: string
  let written: { lines: number; bytes: number }

  beforeAll(() => {
    tmp = tempDir('iwb-kill-')
    env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    caseDir = join(tmp.path, 'case')
    file = join(tmp.path, 'mailhost-auth.log')
    written = writeSyslog(file)
    expect(iwb(['case', 'create', caseDir, '--name', 'Kill test', '--tz', 'UTC'], env).code).toBe(0)
  })
  afterAll(() => tmp.cleanup())

  it('leaves no source and no events, keeps the evidence and custody, and a second import completes', async () => {
    expect(written.bytes).toBeGreaterThan(TARGET_BYTES - 1)

    // 1. Start the import and SIGKILL it once its progress line shows bytes parsed (or after ~1 s of importing).
    const child = spawn(process.execPath, [join(projectRoot, 'electron', 'cli', 'iwb-bin.cjs'), 'import', caseDir, file], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    let stdout = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    const progress = await new Promise<string>((resolve, reject) => {
      let importingSince = 0
      const timer = setTimeout(() => reject(new Error(`no import progress within 60 s: ${stderr}`)), 60_000)
      const check = setInterval(() => {
        const lines = stderr.split('\n').filter((l) => l.startsWith(`Importing ${file}:`))
        if (lines.length > 0 && importingSince === 0) importingSince = Date.now()
        const moving = lines.find((l) => !/: 0 B of /.test(l))
        if (moving || (importingSince && Date.now() - importingSince > 1000)) {
          clearInterval(check)
          clearTimeout(timer)
          resolve(moving ?? lines.at(-1)!)
        }
      }, 20)
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
      void exited.then(() => {
        clearInterval(check)
        clearTimeout(timer)
        reject(new Error(`the import ended before it could be killed: ${stdout}${stderr}`))
      })
    })
    expect(child.exitCode).toBeNull()
    child.kill('SIGKILL')
    expect(await exited).toEqual({ code: null, signal: 'SIGKILL' })
    // It was killed mid-way: the last progress line is short of the whole file.
    expect(progress).toMatch(/\((\d{1,2}\.\d)%\)/)
    expect(stdout).not.toMatch(/imported/)

    // 2. Nothing of the import was kept.
    const sources = iwb(['sources', caseDir, '--json'], env)
    expect(sources.code).toBe(0)
    expect(JSON.parse(sources.stdout)).toEqual([])
    const events = iwb(['events', caseDir, '--jsonl'], env)
    expect(events.code).toBe(0)
    expect(events.stdout).toBe('')

    // 3. The file is still evidence; custody has its acquisition and the import that started.
    const before = JSON.parse(iwb(['custody', caseDir, '--json'], env).stdout) as Custody[]
    expect(before.map((c) => c.action)).toEqual(['case.created', 'evidence.acquired', 'import.started'])
    const started = before.find((c) => c.action === 'import.started')!
    expect(started.object).toBe('evidence 1')
    const importId = started.details.importId
    expect(importId).toEqual(expect.any(String))

    // 4. The next writable open (verify records its run) records the interruption; verify passes.
    const verify = iwb(['verify', caseDir], env)
    expect(verify.stdout).toMatch(/OK: 1 evidence files intact/)
    expect(verify.code).toBe(0)
    const after = JSON.parse(iwb(['custody', caseDir, '--json'], env).stdout) as Custody[]
    const interrupted = after.filter((c) => c.action === 'import.interrupted')
    expect(interrupted).toEqual([expect.objectContaining({ object: 'evidence 1', details: expect.objectContaining({ importId }) })])
    expect(interrupted[0]!.seq).toBeGreaterThan(started.seq)
    // Recorded once: opening again adds nothing.
    expect(iwb(['verify', caseDir, '--no-record'], env).code).toBe(0)
    expect((JSON.parse(iwb(['custody', caseDir, '--json'], env).stdout) as Custody[]).filter((c) => c.action === 'import.interrupted')).toHaveLength(1)

    // 5. Importing the same file again uses the same evidence item and reads every line.
    const again = iwb(['import', caseDir, file, '--json'], env)
    expect(again.code).toBe(0)
    const report = JSON.parse(again.stdout) as ImportReport
    expect(report).toMatchObject({ status: 'complete', evidenceId: 1, format: 'syslog-rfc3164', events: written.lines, badLines: 0 })
    const listed = JSON.parse(iwb(['sources', caseDir, '--json'], env).stdout) as { events: number }[]
    expect(listed).toEqual([expect.objectContaining({ events: written.lines })])
    const last = JSON.parse(iwb(['custody', caseDir, '--json'], env).stdout) as Custody[]
    expect(last.filter((c) => c.action === 'evidence.acquired')).toHaveLength(1)
    expect(last.at(-1)).toMatchObject({ action: 'import.completed', details: expect.objectContaining({ events: written.lines }) })
    expect(iwb(['verify', caseDir, '--no-record'], env).code).toBe(0)
  }, 300_000)
})
