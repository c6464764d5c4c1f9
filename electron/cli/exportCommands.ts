// iwb export, and `iwb verify` for bags: a case (or a selection) becomes a signed BagIt
// bag, and a bag — folder or .zip — is checked the way its recipient would check it.
import { resolve } from 'node:path'
import { CaseFolder } from '../core/case/caseFolder'
import { bagOutputPath, exportBag, ExportInputError, ExportIntegrityError, type ExportResult } from '../core/export/bagWriter'
import { OutputExistsError } from '../core/export/bagSink'
import { isBagPath, verifyBag, type BagVerifyReport } from '../core/export/bagVerifier'
import { CancelledError } from '../core/util/fileHash'
import { EXIT_INTEGRITY, EXIT_OK, EXIT_USAGE, UsageError, type Command, type Values } from './command'
import { formatBytes, printJson, progressPrinter } from './output'
import { ExportKind, WorkingHours } from '@shared/contracts/exports'
import { locateTools } from '../core/media/ffmpegLocator'
import { SettingsStore } from '../core/settings/settingsStore'

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined)

function sourceIds(v: Values[string]): number[] {
  const raw = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return raw
    .flatMap((x) => String(x).split(','))
    .map((x) => x.trim().replace(/^#/, ''))
    .filter((x) => x !== '')
    .map((x) => {
      const n = Number(x)
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--source takes source ids (see \`iwb sources\`), not "${x}"`)
      return n
    })
}

function defaultOut(caseDir: string, kind: ExportKind): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return resolve(caseDir, 'exports', `${kind === 'access-audit' ? 'access-audit' : 'export'}-${stamp}`)
}

const list = (v: Values[string]): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => String(x).trim()).filter((x) => x !== '')

const DAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 }

/** "Mon-Fri 07:00-19:00" or "Mon,Wed,Sat 06:30-22:00" → working hours. */
export function parseWorkingHours(text: string): WorkingHours {
  const m = /^\s*([A-Za-z]{3}(?:\s*[-,]\s*[A-Za-z]{3})*)\s+(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$/.exec(text)
  if (!m) throw new UsageError(`--working-hours takes days and hours such as "Mon-Fri 07:00-19:00", not "${text}"`)
  const days = new Set<number>()
  for (const part of m[1]!.split(',')) {
    const [a, b] = part.split('-').map((d) => DAYS[d.trim().toLowerCase()])
    if (a === undefined || (part.includes('-') && b === undefined)) throw new UsageError(`--working-hours: unknown day in "${part.trim()}" (use Mon Tue Wed Thu Fri Sat Sun)`)
    if (b === undefined) days.add(a)
    else for (let d = a; ; d = (d % 7) + 1) {
      days.add(d)
      if (d === b) break
    }
  }
  const parsed = WorkingHours.safeParse({ days: [...days].sort(), start: m[2], end: m[3] })
  if (!parsed.success) throw new UsageError(`--working-hours: ${parsed.error.issues[0]?.message ?? 'invalid'}`)
  return parsed.data
}

function printExport(r: ExportResult): void {
  if (r.interruptedRemoved) console.log(`cleaned   ${r.interruptedRemoved} unfinished export${r.interruptedRemoved === 1 ? '' : 's'} left by an interrupted run (custody: export.interrupted)`)
  console.log(`exported  ${r.path}${r.kind === 'access-audit' ? ' (access audit: data/report/access-audit.html)' : ''}`)
  for (const n of r.notes) console.log(`note      ${n}`)
  console.log(`          ${r.originals} original${r.originals === 1 ? '' : 's'}, ${r.events} events from ${r.sources} source${r.sources === 1 ? '' : 's'}; ${r.payloadFiles} payload files, ${formatBytes(r.payloadBytes)}`)
  console.log(`          export id ${r.exportId}`)
  console.log(`          tag manifest SHA-256 ${r.tagManifestSha256}`)
  console.log(`          signed by ${r.signer.examiner}, Ed25519 key SHA-256 ${r.signer.fingerprint}${r.signer.keyCreated ? ' (a new key, created for this examiner now)' : ''}`)
  console.log(`          give the recipient this fingerprint separately; they check the bag with: iwb verify ${r.path}`)
}

function printBagReport(r: BagVerifyReport): void {
  console.log(`bag       ${r.bag} (${r.format})${r.exportId ? `, export ${r.exportId}` : ''}`)
  console.log(`payload   ${r.payloadFiles} files, ${formatBytes(r.payloadBytes)}; ${formatBytes(r.bytesHashed)} hashed (SHA-256 and SHA-512)`)
  if (r.signer) {
    console.log(
      `signature ${r.signer.valid ? 'valid' : 'INVALID'}, Ed25519${r.signer.examiner ? ` by ${r.signer.examiner}` : ''}, key SHA-256 ${r.signer.fingerprint} — compare it with the fingerprint the examiner gave you`
    )
  }
  console.log(`custody   ${r.custodyLength} entries walked`)
  for (const p of r.problems) console.log(`PROBLEM ${p.message}`)
  console.log(
    r.ok
      ? `OK: bag intact: ${r.payloadFiles} payload files match both manifests, tag manifests, signature and custody chain hold.`
      : `FAILED: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'} found.`
  )
}

/** `iwb verify` on a bag folder or .zip; null when the path is not a bag (a case, then). */
export async function verifyBagIfBag(target: string | undefined, v: Values): Promise<number | null> {
  if (!target || !(await isBagPath(resolve(target)))) return null
  const report = await verifyBag(resolve(target), { expectedFingerprint: str(v.fingerprint) })
  if (v.json) printJson(report)
  else printBagReport(report)
  return report.ok ? EXIT_OK : EXIT_INTEGRITY
}

export const exportCommands: Record<string, Command> = {
  export: {
    summary: 'Export the case, or a selection, as a signed BagIt bag (folder, or one ZIP with --zip) with a self-contained report.',
    usage:
      'iwb export <case> --out <path> [--zip] [--kind evidence|access-audit] [--from ISO] [--to ISO] [--source id …] [--tagged] [--findings-only] [--camera name …]\n' +
      '          [--no-findings] [--area location …] [--working-hours "Mon-Fri 07:00-19:00"] [--recipient text] [--purpose text] [--examiner name] [--json]\n' +
      '  --source may be repeated or comma-separated; no filter exports the whole case. Without --out the bag goes to <case>/exports/.\n' +
      '  --kind access-audit: door access events of the areas (--area, exact or prefix) with data/report/access-audit.html.\n' +
      '  Unfinished exports left in <case>/exports/ by an interrupted run are removed first (custody: export.interrupted).',
    options: {
      out: { type: 'string' },
      zip: { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      source: { type: 'string', multiple: true },
      recipient: { type: 'string' },
      purpose: { type: 'string' },
      examiner: { type: 'string' },
      json: { type: 'boolean' },
      kind: { type: 'string' },
      tagged: { type: 'boolean' },
      // The earlier spelling, kept so scripts written against it go on working.
      'tagged-only': { type: 'boolean' },
      'findings-only': { type: 'boolean' },
      camera: { type: 'string', multiple: true },
      'no-findings': { type: 'boolean' },
      area: { type: 'string', multiple: true },
      'working-hours': { type: 'string' }
    },
    async run([caseDir, ...extra], v, ctx) {
      if (!caseDir) throw new UsageError('a case folder is required')
      if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}" (give several sources as --source 1 --source 2 or --source 1,2)`)
      const ids = sourceIds(v.source)
      const kind = ExportKind.safeParse(str(v.kind) ?? 'evidence')
      if (!kind.success) throw new UsageError(`--kind is evidence or access-audit, not "${str(v.kind)}"`)
      const workingHours = str(v['working-hours']) ? parseWorkingHours(str(v['working-hours'])!) : undefined
      const out = bagOutputPath(str(v.out) ?? defaultOut(caseDir, kind.data), v.zip === true)
      const folder = CaseFolder.open(resolve(caseDir))
      const cameras = list(v.camera)
      const ffmpegPath = cameras.length ? ((await locateTools(new SettingsStore().get())).ffmpeg?.path ?? null) : null
      const controller = new AbortController()
      const onSigint = (): void => controller.abort()
      process.once('SIGINT', onSigint)
      const progress = v.json ? null : progressPrinter(`Exporting to ${out}`)
      try {
        const result = await exportBag(folder, {
          out,
          zip: v.zip === true,
          from: str(v.from),
          to: str(v.to),
          sourceIds: ids,
          recipient: str(v.recipient),
          purpose: str(v.purpose),
          examiner: str(v.examiner) ?? ctx.examiner(),
          kind: kind.data,
          taggedOnly: v.tagged === true || v['tagged-only'] === true,
          findingsOnly: v['findings-only'] === true,
          cameras,
          findings: v['no-findings'] !== true,
          areas: list(v.area),
          workingHours,
          ffmpegPath,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.phase === 'originals') progress?.update(p.bytesDone, p.bytesTotal)
          }
        })
        progress?.end()
        if (v.json) printJson(result)
        else printExport(result)
        return EXIT_OK
      } catch (err) {
        progress?.end()
        if (err instanceof ExportIntegrityError) {
          if (v.json) printJson({ ok: false, error: err.message, ...err.details })
          console.error(`iwb export: ${err.message}`)
          return EXIT_INTEGRITY
        }
        if (err instanceof CancelledError) {
          console.error('iwb export: cancelled; the partial bag was removed and custody records the cancel.')
          return EXIT_USAGE
        }
        if (err instanceof ExportInputError || err instanceof OutputExistsError) throw new UsageError(err.message)
        throw err
      } finally {
        process.off('SIGINT', onSigint)
        folder.close()
      }
    }
  }
}
