// Streaming with constant memory: `iwb export` of a case holding a 384 MiB original must
// peak (maximum resident set, measured by /usr/bin/time around the CLI process) within a
// fixed margin of the same export without it — as a folder (kernel copy, read back
// through the hash ring) and as a ZIP (every byte through the ring and the writer). A
// whole-file read anywhere would add at least the file's size.
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { iwb, projectRoot } from '../../helpers/cli'
import { sample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'
import { EXAMINER, has } from './exportFixture'

const BIG_MIB = 384
/** The hash ring (4 × 8 MiB) plus slack; measured here: +32 MiB for both. */
const MARGIN_MIB = 64

let tmp: ReturnType<typeof tempDir>
let env: Record<string, string>
let caseDir: string

/** Peak RSS in MiB of `iwb export` into `out`, and its exit code. */
function exportPeakMiB(out: string, zip: boolean): number {
  const r = spawnSync('/usr/bin/time', ['-f', 'peak-kib=%M', process.execPath, join(projectRoot, 'electron', 'cli', 'iwb-bin.cjs'), 'export', caseDir, '--out', out, '--examiner', EXAMINER, '--json', ...(zip ? ['--zip'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 300_000
  })
  expect(r.status, r.stderr).toBe(0)
  const kib = /peak-kib=(\d+)/.exec(r.stderr)?.[1]
  expect(kib, r.stderr).toBeDefined()
  return Number(kib) / 1024
}

const ok = has('/usr/bin/time')

describe.skipIf(!ok)('export memory', () => {
  beforeAll(() => {
    tmp = tempDir('iwb-export-mem-')
    env = { IWB_CONFIG_DIR: join(tmp.path, 'config') }
    caseDir = join(tmp.path, 'case')
    expect(iwb(['case', 'create', caseDir, '--name', 'Memory', '--examiner', EXAMINER, '--tz', 'UTC'], env).code).toBe(0)
    expect(iwb(['acquire', caseDir, sample('syslog/Linux_2k.log')], env).code).toBe(0)
  })
  afterAll(() => tmp.cleanup())

  it(`stays within ${MARGIN_MIB} MiB of a small export with a ${BIG_MIB} MiB original (folder and ZIP)`, () => {
    const small = { folder: exportPeakMiB(join(tmp.path, 'small'), false), zip: exportPeakMiB(join(tmp.path, 'small'), true) }
    // Random 16 MiB blocks with a varying prefix: nothing compresses or deduplicates.
    const big = join(tmp.path, 'camera-dump.bin')
    const fd = openSync(big, 'w')
    const block = randomBytes(16 << 20)
    for (let i = 0; i < BIG_MIB / 16; i++) {
      block.writeUInt32LE(i, 0)
      writeSync(fd, block)
    }
    closeSync(fd)
    expect(iwb(['acquire', caseDir, big], env).code).toBe(0)
    const large = { folder: exportPeakMiB(join(tmp.path, 'large'), false), zip: exportPeakMiB(join(tmp.path, 'large'), true) }
    expect(large.folder - small.folder, `folder: ${small.folder.toFixed(0)} → ${large.folder.toFixed(0)} MiB`).toBeLessThan(MARGIN_MIB)
    expect(large.zip - small.zip, `zip: ${small.zip.toFixed(0)} → ${large.zip.toFixed(0)} MiB`).toBeLessThan(MARGIN_MIB)
  }, 600_000)
})
