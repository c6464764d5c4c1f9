// Export of a case with 2 GiB of originals (4 × 512 MiB) as a BagIt folder — every byte
// re-hashed against its intake hash, SHA-256 and SHA-512 manifests, report, signature —
// against `cp -r` of the same files followed by `openssl dgst -sha256` of the copies,
// measured side by side (alternating, median of rounds), reported as a ratio. Goal ≤ 1.25.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CaseFolder } from '../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../electron/core/case/intake'
import { exportBag } from '../../electron/core/export/bagWriter'
import { median, type BenchResult } from './benchUtil'

/** IWB_BENCH_EXPORT_ZIP=1 measures a ZIP bag instead of a folder. */
export async function benchExport(work: string, files = 4, fileMiB = 512, rounds = 3, zip = process.env.IWB_BENCH_EXPORT_ZIP === '1'): Promise<BenchResult> {
  const folder = CaseFolder.create(join(work, 'case'), { name: 'bench', examiner: 'bench', timeZone: 'UTC' })
  // Random-ish content made fast: one random block per file, each 16 MiB repeated with a
  // varying prefix so no two chunks are equal (no filesystem or cache dedup can help).
  for (let f = 0; f < files; f++) {
    const path = join(work, `original-${f}.bin`)
    const fd = openSync(path, 'w')
    const block = randomBytes(16 * 1024 * 1024)
    for (let i = 0; i < fileMiB / 16; i++) {
      block.writeUInt32LE(f * 1_000_003 + i, 0)
      writeSync(fd, block)
    }
    closeSync(fd)
    const out = await acquireEvidence(folder, { path }, { examiner: 'bench' })
    if (out.outcome !== 'acquired') throw new Error(`intake failed: ${out.reason}`)
    rmSync(path)
  }
  const evidenceDir = folder.layout.evidence
  execFileSync('sh', ['-c', `cat "${evidenceDir}"/* > /dev/null`]) // warm the page cache for both contenders

  const refTimes: number[] = []
  const exportTimes: number[] = []
  const keysDir = join(work, 'keys')
  for (let r = 0; r < rounds; r++) {
    const copy = join(work, `copy-${r}`)
    let t = performance.now()
    execFileSync('cp', ['-r', evidenceDir, copy])
    const copies = readdirSync(copy).filter((n) => /^[0-9a-f]{64}$/.test(n)).map((n) => join(copy, n))
    execFileSync('openssl', ['dgst', '-sha256', ...copies], { stdio: ['ignore', 'ignore', 'inherit'] })
    refTimes.push(performance.now() - t)
    rmSync(copy, { recursive: true, force: true })

    const out = join(work, `bag-${r}`)
    t = performance.now()
    const result = await exportBag(folder, { out, zip, examiner: 'bench', keysDir })
    exportTimes.push(performance.now() - t)
    if (result.originals !== files) throw new Error(`exported ${result.originals} originals, expected ${files}`)
    rmSync(result.path, { recursive: true, force: true })
  }
  folder.close()
  const ref = median(refTimes)
  const exp = median(exportTimes)
  const totalMiB = files * fileMiB
  return {
    name: `export of ${files} × ${fileMiB} MiB originals (BagIt ${zip ? 'ZIP' : 'folder'}, SHA-256 + SHA-512) vs cp -r + openssl dgst -sha256`,
    goal: 'ratio ≤ 1.25',
    ratio: exp / ref,
    pass: exp / ref <= 1.25,
    details: {
      'export median ms': Math.round(exp),
      'cp+openssl median ms': Math.round(ref),
      'export MiB/s': Math.round(totalMiB / (exp / 1000)),
      rounds,
      'export ms per round': exportTimes.map(Math.round).join(' '),
      'cp+openssl ms per round': refTimes.map(Math.round).join(' '),
      'ratio per round': exportTimes.map((e, i) => (e / refTimes[i]!).toFixed(3)).join(' ')
    }
  }
}
