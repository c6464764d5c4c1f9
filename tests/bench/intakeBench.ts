// Intake of a 1 GiB file against `cp` of it followed by `openssl dgst -sha256` of the
// copy, measured side by side in one run (alternating, median of rounds), reported as a
// ratio. Goal: ratio ≤ 1.0.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CaseFolder } from '../../electron/core/case/caseFolder'
import { acquireEvidence } from '../../electron/core/case/intake'
import { median, type BenchResult } from './benchUtil'

export async function benchIntake(work: string, sizeMiB = 1024, rounds = 5): Promise<BenchResult> {
  const source = join(work, 'evidence-1g.bin')
  const fd = openSync(source, 'w')
  const block = randomBytes(16 * 1024 * 1024)
  for (let i = 0; i < sizeMiB / 16; i++) writeSync(fd, block)
  closeSync(fd)
  execFileSync('cat', [source], { stdio: ['ignore', 'ignore', 'inherit'] }) // warm the page cache for both contenders

  const cpTimes: number[] = []
  const intakeTimes: number[] = []
  for (let r = 0; r < rounds; r++) {
    const copy = join(work, 'copy.bin')
    let t = performance.now()
    execFileSync('cp', [source, copy])
    execFileSync('openssl', ['dgst', '-sha256', copy], { stdio: ['ignore', 'ignore', 'inherit'] })
    cpTimes.push(performance.now() - t)
    rmSync(copy)

    const caseDir = join(work, `case-${r}`)
    const folder = CaseFolder.create(caseDir, { name: 'bench', examiner: 'bench', timeZone: 'UTC' })
    t = performance.now()
    const out = await acquireEvidence(folder, { path: source }, { examiner: 'bench' })
    intakeTimes.push(performance.now() - t)
    if (out.outcome !== 'acquired') throw new Error(`intake failed: ${out.reason}`)
    folder.close()
    rmSync(caseDir, { recursive: true, force: true })
  }
  rmSync(source)
  const cp = median(cpTimes)
  const intake = median(intakeTimes)
  return {
    name: `intake of a ${sizeMiB} MiB file vs cp + openssl dgst -sha256`,
    goal: 'ratio ≤ 1.0',
    ratio: intake / cp,
    pass: intake / cp <= 1.0,
    details: {
      'intake median ms': Math.round(intake),
      'cp+openssl median ms': Math.round(cp),
      'intake MiB/s': Math.round(sizeMiB / (intake / 1000)),
      rounds,
      'intake ms per round': intakeTimes.map(Math.round).join(' '),
      'cp+openssl ms per round': cpTimes.map(Math.round).join(' ')
    }
  }
}
