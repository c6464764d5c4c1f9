// Throughput of an importer over one file, through the real pipeline (parsing and time
// resolution), for benchmarks and test logs. Reports; never asserts.
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseFile } from '../../parseFile'
import type { Importer } from '../../types'

export interface SpeedResult {
  events: number
  bad: number
  bytes: number
  seconds: number
  recordsPerSecond: number
  megabytesPerSecond: number
}

export async function measureImportSpeed(importer: Importer, path: string, timeZone = 'UTC'): Promise<SpeedResult> {
  const bytes = (await stat(path)).size
  const started = performance.now()
  const run = parseFile(path, importer, { fileName: basename(path), time: { timeZone, explicitYear: null, fileMtimeUs: null, offsetUs: 0 } })
  let events = 0
  let bad = 0
  for await (const item of run.items) {
    if (item.kind === 'event') events++
    else bad++
  }
  const seconds = (performance.now() - started) / 1000
  return {
    events,
    bad,
    bytes,
    seconds,
    recordsPerSecond: Math.round((events + bad) / seconds),
    megabytesPerSecond: Math.round((bytes / 1e6 / seconds) * 10) / 10
  }
}
