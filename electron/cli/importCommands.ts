// iwb import / events / sources / formats: evidence files become events, and back out.
import { resolve } from 'node:path'
import type { ImportReport } from '@shared/ingestModel'
import { describeTimeDecisions } from '@shared/describeTime'
import { isValidTimeZone } from '@shared/time'
import { CaseFolder } from '../core/case/caseFolder'
import { acquireEvidence } from '../core/case/intake'
import { failedImportReport, importEvidenceExpanding } from '../core/ingest/importAny'
import { createMappedImporter, loadMappingProfile } from '../core/ingest/mapping'
import type { Importer } from '../core/ingest/types'
import { importers } from '../core/ingest/registry'
import { formatClockOffset, parseClockOffset } from '../core/ingest/timeResolve'
import { listSources, queryEvents } from '../core/timeline/eventQuery'
import { formatBytes, printJson, progressPrinter } from './output'
import { EXIT_OK, EXIT_USAGE, UsageError, type Command, type Values } from './command'

const str = (v: Values[string]): string | undefined => (typeof v === 'string' ? v : undefined)

function printReport(r: ImportReport): void {
  if (r.status === 'complete') {
    const how = r.formatChosenBy === 'user' ? 'chosen' : `detected ${Math.round((r.detection[0]?.confidence ?? 0) * 100)}%`
    console.log(`imported  ${r.fileName} as ${r.format} (${how}): ${r.events} events, ${r.badLines} bad lines, ${r.firstTs ?? '—'} → ${r.lastTs ?? '—'}`)
    console.log(`          ${formatBytes(r.bytes)} in ${(r.durationMs / 1000).toFixed(2)} s, ${Math.round(r.eventsPerSecond)} events/s`)
    for (const l of describeTimeDecisions(r.time)) console.log(`  time:   ${l}`)
    for (const n of r.notes) console.log(`  note:   ${n}`)
    if (r.invalidUtf8Lines) console.log(`  note:   ${r.invalidUtf8Lines} lines held invalid UTF-8 (replaced with U+FFFD, flagged)`)
  } else {
    console.log(`${r.status.padEnd(9)} ${r.fileName}: ${r.message}`)
  }
  for (const i of r.issues.slice(0, 20)) {
    const where = i.line !== null ? `line ${i.line}${i.record !== null ? `, record ${i.record}` : ''}` : `record ${i.record}`
    console.log(`  bad ${where} (byte ${i.offset}): ${i.reason}${i.excerpt ? ` | ${i.excerpt.slice(0, 120)}` : ''}`)
  }
  if (r.badLines > 20) console.log(`  … ${r.badLines - 20} more bad lines (all listed with --json)`)
}

export const importCommands: Record<string, Command> = {
  import: {
    summary: 'Acquire files as evidence and import them as events (format detected unless --format, or read with a mapping profile).',
    usage: 'iwb import <case> <file…> [--format id | --map profile.json] [--tz IANA] [--year YYYY] [--offset ±dur] [--note text] [--json]',
    options: {
      format: { type: 'string' },
      map: { type: 'string' },
      tz: { type: 'string' },
      year: { type: 'string' },
      offset: { type: 'string' },
      note: { type: 'string' },
      examiner: { type: 'string' },
      json: { type: 'boolean' }
    },
    async run([caseDir, ...files], v, ctx) {
      if (!caseDir || files.length === 0) throw new UsageError('a case folder and at least one file are required')
      const tz = str(v.tz)
      if (tz && !isValidTimeZone(tz)) throw new UsageError(`unknown time zone "${tz}"; use an IANA name such as America/Chicago`)
      const yearText = str(v.year)
      const year = yearText === undefined ? null : Number(yearText)
      if (year !== null && (!Number.isInteger(year) || year < 1970 || year > 2100)) throw new UsageError(`--year must be a year such as 2024, not "${yearText}"`)
      let offsetUs = 0
      try {
        offsetUs = v.offset === undefined ? 0 : parseClockOffset(str(v.offset) ?? '')
      } catch (err) {
        throw new UsageError((err as Error).message)
      }
      let format = str(v.format)
      if (format && !importers.some((i) => i.id === format)) throw new UsageError(`unknown format "${format}"; \`iwb formats\` lists them`)
      // A mapping profile (CSV / TSV / JSON lines no built-in format reads) is the one importer used.
      let mapped: Importer | null = null
      const mapPath = str(v.map)
      if (mapPath !== undefined) {
        if (format) throw new UsageError('--map and --format exclude each other: a mapping profile is the format')
        try {
          mapped = createMappedImporter(await loadMappingProfile(resolve(mapPath)))
        } catch (err) {
          const e = err as NodeJS.ErrnoException
          throw new UsageError(e.code === 'ENOENT' || e.code === 'EISDIR' ? `cannot read mapping profile ${mapPath}: ${e.message}` : e.message)
        }
        format = mapped.id
      }

      const folder = CaseFolder.open(resolve(caseDir))
      const examiner = str(v.examiner) ?? ctx.examiner()
      const reports: ImportReport[] = []
      try {
        for (const file of files) {
          const acquired = await acquireEvidence(folder, { path: file }, { examiner, note: str(v.note) ?? '' })
          if (acquired.outcome === 'refused' || !acquired.evidence) {
            if (!v.json) console.log(`refused   ${file}: ${acquired.reason}`)
            reports.push(failedImportReport(0, file, acquired.reason ?? 'refused'))
            continue
          }
          if (acquired.outcome === 'duplicate' && !v.json) console.log(`evidence  ${file} is already evidence #${acquired.existingId}; importing that item`)
          const progress = v.json ? null : progressPrinter(`Importing ${file}`)
          const results = await importEvidenceExpanding(folder, {
            evidenceId: acquired.evidence.id,
            examiner,
            format: format ?? null,
            ...(mapped ? { importers: [mapped] } : {}),
            timeZone: tz ?? null,
            year,
            offsetUs,
            onProgress: (p) => progress?.update(p.bytesDone, p.bytesTotal)
          })
          progress?.end()
          reports.push(...results)
          if (!v.json) results.forEach(printReport)
        }
      } finally {
        folder.close()
      }
      if (v.json) printJson(reports.length === 1 ? reports[0] : reports)
      return reports.every((r) => r.status === 'complete') ? EXIT_OK : EXIT_USAGE
    }
  },

  events: {
    summary: 'Print events, one JSON object per line, in time order.',
    usage: 'iwb events <case> [--from ISO] [--to ISO] [--q text] [--source id] [--category c] [--limit N] [--jsonl]',
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      q: { type: 'string' },
      source: { type: 'string' },
      category: { type: 'string' },
      actor: { type: 'string' },
      location: { type: 'string' },
      limit: { type: 'string' },
      jsonl: { type: 'boolean' }
    },
    async run([caseDir], v) {
      if (!caseDir) throw new UsageError('a case folder is required')
      const limit = v.limit === undefined ? 1000 : Number(v.limit)
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number')
      const folder = CaseFolder.open(resolve(caseDir), { readonly: true })
      try {
        let events
        try {
          events = queryEvents(folder.db, {
            from: str(v.from),
            to: str(v.to),
            q: str(v.q),
            sourceId: v.source === undefined ? null : Number(v.source),
            category: str(v.category),
            actor: str(v.actor),
            location: str(v.location),
            limit
          })
        } catch (err) {
          throw new UsageError((err as Error).message)
        }
        for (const e of events) {
          if (v.jsonl) process.stdout.write(JSON.stringify(e) + '\n')
          else console.log(`${e.ts}  ${e.category.padEnd(7)} ${e.action.padEnd(18)} ${e.outcome.padEnd(7)} ${e.actor ?? ''}  ${e.message}`)
        }
      } finally {
        folder.close()
      }
      return EXIT_OK
    }
  },

  sources: {
    summary: 'List imported sources with format, counts, time range, zone, offset and year decision.',
    usage: 'iwb sources <case> [--json]',
    options: { json: { type: 'boolean' } },
    async run([caseDir], v) {
      if (!caseDir) throw new UsageError('a case folder is required')
      const folder = CaseFolder.open(resolve(caseDir), { readonly: true })
      try {
        const sources = listSources(folder.db)
        if (v.json) printJson(sources)
        else
          for (const s of sources) {
            const year = s.time.yearInference ? ` year ${s.time.yearInference.firstYear} (${s.time.yearInference.basis})` : ''
            console.log(
              `#${s.id}  ${s.fileName}  ${s.format}  ${s.events} events, ${s.badLines} bad  ${s.firstTs ?? '—'} → ${s.lastTs ?? '—'}  zone ${s.timeZone}${year}  offset ${formatClockOffset(s.clockOffsetUs)}`
            )
          }
      } finally {
        folder.close()
      }
      return EXIT_OK
    }
  },

  formats: {
    summary: 'List the formats this version imports.',
    usage: 'iwb formats [--json]',
    options: { json: { type: 'boolean' } },
    async run(_p, v) {
      const list = importers.map((i) => ({ id: i.id, name: i.name, description: i.description }))
      if (v.json) printJson(list)
      else for (const f of list) console.log(`${f.id.padEnd(26)} ${f.name} — ${f.description}`)
      return EXIT_OK
    }
  }
}
