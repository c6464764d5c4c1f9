// `npm run bench [-- name…]`: runs the benchmarks and prints each result as a ratio
// against its reference, measured side by side in this run.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BenchResult } from './benchUtil'
import { benchEvtx } from './evtxBench'
import { benchExport } from './exportBench'
import { benchImport } from './importBench'
import { benchIntake } from './intakeBench'
import { benchRules } from './rulesBench'
import { benchTimeline } from './timelineBench'
import { benchFragmenter, benchVideo } from './videoBench'
import { benchVideoPaint } from './videoPaintBench'

const benches: Record<string, (work: string) => Promise<BenchResult>> = {
  intake: (w) => benchIntake(w),
  import: (w) => benchImport(w),
  evtx: (w) => benchEvtx(w),
  timeline: (w) => benchTimeline(w),
  export: (w) => benchExport(w),
  video: (w) => benchVideo(w),
  'video-fragmenter': (w) => benchFragmenter(w, process.env.IWB_BENCH_H264),
  'video-paint': (w) => benchVideoPaint(w),
  rules: (w) => benchRules(w)
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2)
  const names = wanted.length ? wanted : Object.keys(benches)
  const results: BenchResult[] = []
  for (const name of names) {
    const bench = benches[name]
    if (!bench) throw new Error(`unknown bench "${name}"; known: ${Object.keys(benches).join(', ')}`)
    const work = mkdtempSync(join(process.env.IWB_BENCH_DIR ?? tmpdir(), `iwb-bench-${name}-`))
    try {
      console.log(`running ${name}…`)
      const r = await bench(work)
      results.push(r)
      console.log(`${r.pass ? 'PASS' : 'MISS'} ${r.name}: ratio ${r.ratio?.toFixed(3) ?? '—'} (goal ${r.goal})`)
      for (const [k, v] of Object.entries(r.details)) console.log(`     ${k}: ${v}`)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }
  console.log('\n' + JSON.stringify(results, null, 2))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
