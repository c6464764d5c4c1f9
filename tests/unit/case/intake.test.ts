import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { appendFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { listEvidence } from '../../../electron/core/case/evidence'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { CancelledError } from '../../../electron/core/util/fileHash'
import { microsToIso } from '../../../shared/time'
import { tempDir } from '../../helpers/tmp'

const sha256sum = (file: string): string => execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0]!

describe('evidence intake', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  beforeEach(() => {
    tmp = tempDir()
    folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Intake test', examiner: 'Dana Examiner', timeZone: 'Europe/Paris' })
    mkdirSync(join(tmp.path, 'src'))
  })
  afterEach(() => {
    folder.close()
    tmp.cleanup()
  })

  function file(name: string, content: Buffer | string): string {
    const p = join(tmp.path, 'src', name)
    writeFileSync(p, content)
    return p
  }

  it('stores a byte-exact read-only copy under its SHA-256, as sha256sum computes it', async () => {
    // 9 MiB + 7 bytes crosses several 4 MiB read chunks and ends mid-chunk.
    const big = file('big.bin', randomBytes(9 * 1024 * 1024 + 7))
    const small = file('notes.txt', 'door 3 propped open\n')
    const empty = file('empty.log', '')
    for (const p of [big, small, empty]) {
      const out = await acquireEvidence(folder, { path: p }, { examiner: 'Dana Examiner', note: 'handed over on USB #4' })
      expect(out.outcome).toBe('acquired')
      const expected = sha256sum(p)
      expect(out.evidence?.sha256).toBe(expected)
      const stored = folder.evidencePath(expected)
      expect(sha256sum(stored)).toBe(expected)
      expect(statSync(stored).mode & 0o222).toBe(0)
      expect(out.evidence?.size).toBe(statSync(p).size)
    }
    const items = listEvidence(folder.db)
    expect(items.map((i) => i.originalName)).toEqual(['big.bin', 'notes.txt', 'empty.log'])
    expect(items[0]).toMatchObject({ examiner: 'Dana Examiner', note: 'handed over on USB #4', acquiredVia: 'file', tool: 'Incident Workbench' })
    expect(items[0]!.originalPath).toBe(big)
    expect(items[0]!.workstation.length).toBeGreaterThan(0)
    expect(items[0]!.sourceMtime).toBe(microsToIso(Number(statSync(big, { bigint: true }).mtimeNs / 1000n)))
    const actions = listCustody(folder.db).map((c) => c.action)
    expect(actions).toEqual(['case.created', 'evidence.acquired', 'evidence.acquired', 'evidence.acquired'])
    // Nothing is left behind in the staging folder.
    expect(readdirSync(folder.layout.incoming)).toEqual([])
  })

  it('says a file is already in the case and adds nothing', async () => {
    const a = file('a.log', 'same bytes\n')
    const b = file('copy-of-a.log', 'same bytes\n')
    const first = await acquireEvidence(folder, { path: a }, { examiner: 'x' })
    const custodyBefore = listCustody(folder.db).length
    const second = await acquireEvidence(folder, { path: b }, { examiner: 'x' })
    expect(second.outcome).toBe('duplicate')
    expect(second.existingId).toBe(first.evidence?.id)
    expect(second.reason).toMatch(/already in the case as evidence #1/)
    expect(listEvidence(folder.db)).toHaveLength(1)
    expect(listCustody(folder.db)).toHaveLength(custodyBefore)
    expect(readdirSync(folder.layout.incoming)).toEqual([])
  })

  it('refuses a file that changes while it is read, and records the refusal', async () => {
    const growing = file('growing.log', randomBytes(12 * 1024 * 1024))
    let appended = false
    const out = await acquireEvidence(
      folder,
      { path: growing },
      {
        examiner: 'x',
        onBytes: () => {
          if (!appended) {
            appended = true
            appendFileSync(growing, 'a line written by the still-running logger\n')
          }
        }
      }
    )
    expect(out.outcome).toBe('refused')
    expect(out.reason).toMatch(/changed while it was being read/)
    expect(listEvidence(folder.db)).toHaveLength(0)
    expect(readdirSync(folder.layout.evidence).filter((n) => n !== '.incoming')).toEqual([])
    expect(listCustody(folder.db).at(-1)?.action).toBe('evidence.refused')
  })

  it('refuses folders and missing files with a reason', async () => {
    expect((await acquireEvidence(folder, { path: join(tmp.path, 'src') }, { examiner: 'x' })).reason).toMatch(/not a regular file/)
    expect((await acquireEvidence(folder, { path: join(tmp.path, 'nope.log') }, { examiner: 'x' })).reason).toMatch(/cannot open/)
  })

  it('leaves nothing behind when cancelled', async () => {
    const big = file('big.bin', randomBytes(16 * 1024 * 1024))
    const controller = new AbortController()
    await expect(
      acquireEvidence(folder, { path: big }, { examiner: 'x', signal: controller.signal, onBytes: () => controller.abort() })
    ).rejects.toBeInstanceOf(CancelledError)
    expect(listEvidence(folder.db)).toHaveLength(0)
    expect(readdirSync(folder.layout.incoming)).toEqual([])
  })

  it('refuses to alter or delete an evidence row', async () => {
    await acquireEvidence(folder, { path: file('a.log', 'x') }, { examiner: 'x' })
    expect(() => folder.db.prepare("UPDATE evidence SET original_name = 'other'").run()).toThrow(/immutable/)
    expect(() => folder.db.prepare('DELETE FROM evidence').run()).toThrow(/immutable/)
  })

  it('discards an interrupted intake on the next open and says so in custody', async () => {
    const dir = folder.dir
    folder.close()
    // A crash can leave a partial copy in .incoming and a renamed copy with no row.
    writeFileSync(join(dir, 'evidence', '.incoming', 'abc.part'), 'partial')
    const orphan = 'f'.repeat(64)
    writeFileSync(join(dir, 'evidence', orphan), 'renamed but never recorded', { mode: 0o444 })
    folder = CaseFolder.open(dir)
    expect(existsSync(join(dir, 'evidence', '.incoming', 'abc.part'))).toBe(false)
    expect(existsSync(join(dir, 'evidence', orphan))).toBe(false)
    const last = listCustody(folder.db).at(-1)
    expect(last?.action).toBe('evidence.intake-rolled-back')
    expect(last?.object).toBe(`sha256 ${orphan}`)
  })
})
