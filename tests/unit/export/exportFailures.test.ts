// An export that cannot be trusted never looks finished: a tampered original aborts it
// (named, recorded in custody, nothing left behind), and so does a cancel halfway, for a
// folder and for a ZIP. A killed export leaves only an `.partial-…` folder without bagit.txt.
import { chmodSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listCustody } from '../../../electron/core/case/custody'
import { listEvidence } from '../../../electron/core/case/evidence'
import { exportBag, ExportIntegrityError } from '../../../electron/core/export/bagWriter'
import { CancelledError } from '../../../electron/core/util/fileHash'
import { iwb } from '../../helpers/cli'
import { tempDir } from '../../helpers/tmp'
import { buildCase, EXAMINER } from './exportFixture'

describe('export failures leave nothing that looks like a bag', () => {
  let tmp: ReturnType<typeof tempDir>
  let folder: CaseFolder
  let keysDir: string
  beforeEach(async () => {
    tmp = tempDir('iwb-export-fail-')
    keysDir = join(tmp.path, 'config', 'keys')
    folder = (await buildCase(join(tmp.path, 'case'))).folder
  })
  afterEach(() => {
    folder.close()
    tmp.cleanup()
  })

  const leftovers = (finalPath: string): string[] => {
    const dir = dirname(finalPath)
    return existsSync(dir) ? readdirSync(dir) : []
  }

  function tamperEvidence(index: number): { id: number; name: string } {
    const item = listEvidence(folder.db)[index]!
    const path = folder.evidencePath(item.sha256)
    chmodSync(path, 0o644)
    writeFileSync(path, 'Jun 14 15:16:01 combo sshd[1]: this line was planted afterwards\n')
    chmodSync(path, 0o444)
    return { id: item.id, name: item.originalName }
  }

  for (const zip of [false, true]) {
    it(`aborts on an original that no longer matches its intake hash, names it, and records it (${zip ? 'zip' : 'folder'})`, async () => {
      const bad = tamperEvidence(1)
      const out = join(tmp.path, 'exports', zip ? 'bag.zip' : 'bag')
      const err = await exportBag(folder, { out, zip, examiner: EXAMINER, keysDir }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ExportIntegrityError)
      expect((err as Error).message).toContain(`Evidence #${bad.id} (${bad.name}) no longer matches its intake hash`)
      expect(existsSync(out)).toBe(false)
      expect(leftovers(out)).toEqual([])
      const last = listCustody(folder.db, 0, 10_000).at(-1)!
      expect(last).toMatchObject({
        action: 'export.failed',
        examiner: EXAMINER,
        details: { evidenceId: bad.id, originalName: bad.name, expectedSha256: listEvidence(folder.db)[1]!.sha256 }
      })
      expect(last.details.reason).toContain(bad.name)
    })
  }

  it('through the CLI: exit 1, the file named on stderr, nothing at --out', () => {
    const bad = tamperEvidence(0)
    const caseDir = folder.dir
    folder.close()
    const out = join(tmp.path, 'cli-out', 'bag')
    const r = iwb(['export', caseDir, '--out', out, '--examiner', EXAMINER], { IWB_CONFIG_DIR: join(tmp.path, 'config') })
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`Evidence #${bad.id} (${bad.name}) no longer matches its intake hash`)
    expect(existsSync(out)).toBe(false)
    expect(leftovers(out)).toEqual([])
    const log = JSON.parse(iwb(['custody', caseDir, '--json']).stdout) as { action: string }[]
    expect(log.at(-1)!.action).toBe('export.failed')
  })

  for (const zip of [false, true]) {
    it(`cancelled halfway: no bag at --out, no partial left, custody says so (${zip ? 'zip' : 'folder'})`, async () => {
      const out = join(tmp.path, 'exports', zip ? 'bag.zip' : 'bag')
      const controller = new AbortController()
      let partialSeen: string[] | null = null
      const err = await exportBag(folder, {
        out,
        zip,
        examiner: EXAMINER,
        keysDir,
        signal: controller.signal,
        onProgress: (p) => {
          if (controller.signal.aborted || p.phase !== 'originals' || p.bytesDone < p.bytesTotal / 2) return
          // What a kill at this moment would leave: only the .partial- folder, no bagit.txt.
          // The writer's owner note sits beside it (so a cleanup never removes a live export).
          const seen = leftovers(out)
          expect(seen.filter((n) => n.endsWith('.owner'))).toHaveLength(1)
          partialSeen = seen.filter((n) => !n.endsWith('.owner'))
          expect(existsSync(out)).toBe(false)
          controller.abort()
        }
      }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(CancelledError)
      expect(partialSeen).toHaveLength(1)
      expect(partialSeen![0]).toMatch(new RegExp(`^${zip ? 'bag\\.zip' : 'bag'}\\.partial-[0-9a-f]+$`))
      if (!zip) expect(existsSync(join(dirname(out), partialSeen![0]!, 'bagit.txt'))).toBe(false)
      expect(existsSync(out)).toBe(false)
      expect(existsSync(join(out, 'bagit.txt'))).toBe(false)
      expect(leftovers(out)).toEqual([])
      expect(listCustody(folder.db, 0, 10_000).at(-1)).toMatchObject({ action: 'export.cancelled', examiner: EXAMINER })
    })
  }

  it('refuses an --out that already exists and a selection that names an unknown source or a reversed range', async () => {
    const out = join(tmp.path, 'exists')
    writeFileSync(out, 'x')
    await expect(exportBag(folder, { out, examiner: EXAMINER, keysDir })).rejects.toThrow(/already exists/)
    await expect(exportBag(folder, { out: join(tmp.path, 'a'), examiner: EXAMINER, keysDir, sourceIds: [99] })).rejects.toThrow(/no source #99/)
    await expect(exportBag(folder, { out: join(tmp.path, 'b'), examiner: EXAMINER, keysDir, from: '2024-01-02T00:00:00Z', to: '2024-01-01T00:00:00Z' })).rejects.toThrow(/not before/)
    await expect(exportBag(folder, { out: join(folder.layout.evidence, 'x'), examiner: EXAMINER, keysDir })).rejects.toThrow(/evidence folder/)
  })
})
