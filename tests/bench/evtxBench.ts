// EVTX parsing speed beside the reference parser, evtxexport (libevtx-utils), on the
// shared EVTX samples, each read many times in one run. Ratio = our time / evtxexport's.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { importerById } from '../../electron/core/ingest/registry'
import { measureImportSpeed } from '../../electron/core/ingest/formats/windows/speed'
import type { BenchResult } from './benchUtil'

const SAMPLES = ['kerberos_pwd_spray_4771.evtx', 'CA_4624_4625_LogonType2_LogonProc_chrome.evtx', 'LM_Remote_Service02_7045.evtx'].map((f) =>
  join(__dirname, '..', '..', '..', 'shared', 'samples', 'windows', f)
)

export async function benchEvtx(_work: string, rounds = 30): Promise<BenchResult> {
  const evtx = importerById('evtx')!
  let ours = 0
  let records = 0
  for (let r = 0; r < rounds; r++) {
    for (const f of SAMPLES) {
      const s = await measureImportSpeed(evtx, f)
      ours += s.seconds
      records += s.events
    }
  }
  const t = performance.now()
  for (let r = 0; r < rounds; r++) for (const f of SAMPLES) execFileSync('evtxexport', ['-f', 'xml', f], { stdio: ['ignore', 'ignore', 'ignore'] })
  const theirs = (performance.now() - t) / 1000
  return {
    name: `EVTX parsing of the shared samples (${records / rounds} records) × ${rounds}`,
    goal: 'reported beside evtxexport (ratio = ours / evtxexport, process start included for evtxexport)',
    ratio: ours / theirs,
    pass: true,
    details: { 'ours s': ours.toFixed(3), 'evtxexport s': theirs.toFixed(3), 'ours records/s': Math.round(records / ours) }
  }
}
