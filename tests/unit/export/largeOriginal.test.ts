// An original larger than the copy ring (4 × 8 MiB), built from a real sample repeated:
// it must come out byte for byte with both hashes right (folder and ZIP), and a cancel in
// the middle of that one file must stop the export there and leave nothing behind.
import { createHash } from 'node:crypto'
import { createReadStream, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../../electron/core/case/intake'
import { exportBag } from '../../../electron/core/export/bagWriter'
import { verifyBag } from '../../../electron/core/export/bagVerifier'
import { CancelledError } from '../../../electron/core/util/fileHash'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'
import { EXAMINER } from './exportFixture'

async function hashFile(path: string, alg: 'sha256' | 'sha512'): Promise<string> {
  const h = createHash(alg)
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

describe('an original larger than the copy ring', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  let big: string
  beforeAll(async () => {
    tmp = tempDir('iwb-export-large-')
    const text = readFileSync(sample('syslog/Linux_2k.log'))
    big = join(tmp.path, 'Linux_2k x200.log')
    writeFileSync(big, Buffer.concat(Array.from({ length: 200 }, () => text))) // ≈ 41 MiB
    // Taken in with the real intake only: importing its 400,000 lines is not what is tested here.
    folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Large', examiner: EXAMINER, timeZone: 'UTC' })
    expect((await acquireEvidence(folder, { path: big }, { examiner: EXAMINER })).outcome).toBe('acquired')
  }, 120_000)
  afterAll(() => {
    folder.close()
    tmp.cleanup()
  })

  for (const zip of [false, true]) {
    it(`comes out byte for byte with the right SHA-256 and SHA-512 (${zip ? 'zip' : 'folder'})`, async () => {
      const out = join(tmp.path, zip ? 'big.zip' : 'big')
      const seen: number[] = []
      const r = await exportBag(folder, { out, zip, examiner: EXAMINER, keysDir: join(tmp.path, 'keys'), onProgress: (p) => p.phase === 'originals' && seen.push(p.bytesDone) })
      expect(seen.length).toBeGreaterThan(5) // progress per chunk
      expect(seen.at(-1)).toBe(readFileSync(big).length)
      const report = await verifyBag(r.path)
      expect(report.problems).toEqual([])
      if (!zip) {
        const copy = join(out, 'data', 'originals', '0001-Linux_2k_x200.log')
        expect(await hashFile(copy, 'sha256')).toBe(await hashFile(big, 'sha256'))
        const manifest = readFileSync(join(out, 'manifest-sha512.txt'), 'utf8')
        expect(manifest).toContain(`${await hashFile(big, 'sha512')}  data/originals/0001-Linux_2k_x200.log\n`)
      }
    }, 120_000)
  }

  it('stops in the middle of the file when cancelled there, and leaves nothing', async () => {
    const out = join(tmp.path, 'cancelled')
    const controller = new AbortController()
    let at = 0
    const err = await exportBag(folder, {
      out,
      examiner: EXAMINER,
      keysDir: join(tmp.path, 'keys'),
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'originals' && p.bytesDone > 16 * 1024 * 1024 && !controller.signal.aborted) {
          at = p.bytesDone
          controller.abort()
        }
      }
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CancelledError)
    expect(at).toBeLessThan(readFileSync(big).length)
    expect(existsSync(out)).toBe(false)
    expect(readdirSync(tmp.path).filter((n) => n.startsWith('cancelled'))).toEqual([])
  }, 120_000)
})
