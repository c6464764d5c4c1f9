// The import dialog's preview: the detected format and the first parsed events with raw
// and resolved time side by side, before anything is written.
import type { ImportPreview } from '@shared/contract'
import { isoToMicros, microsToIso } from '@shared/time'
import type { CaseFolder } from '../case/caseFolder'
import { evidenceById } from '../case/evidence'
import { sniffFile } from '../media/probe'
import { detectArchiveKind } from './archive/inspectArchive'
import { MIN_DETECT_CONFIDENCE } from './importPipeline'
import { parseFile } from './parseFile'
import { importers } from './registry'
import { rankImporters, readSniffInput } from './sniff'
import type { Importer } from './types'

export async function previewImport(
  folder: CaseFolder,
  req: {
    evidenceId: number
    format: string | null
    timeZone: string | null
    year: number | null
    offsetUs: number
    limit: number
    /** The importers `format` is chosen from (a mapped importer for a mapping profile); detection still ranks the registry. */
    importers?: Importer[]
  }
): Promise<ImportPreview> {
  const evidence = evidenceById(folder.db, req.evidenceId)
  if (!evidence) throw new Error(`There is no evidence #${req.evidenceId} in this case.`)
  const path = folder.evidencePath(evidence.sha256)
  const archive = evidence.size > 0 ? await detectArchiveKind(path) : null
  if (archive) {
    return {
      archive, detection: [], format: null, formatName: null, events: [], issues: [], time: null, notes: [],
      message: `${evidence.originalName} is a ${archive === 'zip' ? 'ZIP' : 'gzip'} archive: each file in it becomes its own evidence item (unsafe members are refused) and is imported with the format detected for it.`
    }
  }
  // Footage is not a log: with no format chosen, a video container is routed to video.import.
  if (!req.format && !req.importers && evidence.size > 0) {
    const { sniff } = await sniffFile(path).catch(() => ({ sniff: { ok: false as const, reason: '' } }))
    if (sniff.ok) {
      return {
        archive: null, detection: [], format: null, formatName: null, events: [], issues: [], time: null, notes: [],
        video: { demuxer: sniff.demuxer, reason: sniff.reason },
        message: `${evidence.originalName} is video footage (${sniff.reason}): import it as video, to a camera, placed on the case's clock.`
      }
    }
  }
  const detection = rankImporters(importers, await readSniffInput(path, evidence.originalName)).slice(0, 5)
  const chosenId = req.format ?? (detection[0] && detection[0].confidence >= MIN_DETECT_CONFIDENCE ? detection[0].id : null)
  const importer = (req.importers ?? importers).find((i) => i.id === chosenId)
  const empty: ImportPreview = { archive: null, detection, format: null, formatName: null, message: '', events: [], issues: [], time: null, notes: [] }
  if (!importer) {
    return { ...empty, message: req.format ? `Unknown format ${req.format}.` : 'The format was not recognised: choose one.' }
  }
  const controller = new AbortController()
  const run = parseFile(path, importer, {
    fileName: evidence.originalName,
    signal: controller.signal,
    time: {
      timeZone: req.timeZone ?? folder.info().timeZone,
      explicitYear: req.year,
      fileMtimeUs: evidence.sourceMtime ? isoToMicros(evidence.sourceMtime) : null,
      offsetUs: req.offsetUs
    }
  })
  const preview: ImportPreview = { ...empty, format: importer.id, formatName: importer.name }
  let seen = 0
  for await (const item of run.items) {
    if (item.kind === 'bad') {
      if (preview.issues.length < req.limit)
        preview.issues.push({ line: item.ref.lineNo, record: item.ref.recordNo, offset: item.ref.offset, reason: item.reason, excerpt: item.excerpt })
    } else {
      const f = item.flags
      preview.events.push({
        line: item.ref.lineNo,
        record: item.ref.recordNo,
        rawTime: item.event.rawTime,
        sourceTs: microsToIso(item.sourceUs),
        ts: microsToIso(item.us),
        category: item.event.category,
        action: item.event.action,
        outcome: item.event.outcome,
        actor: item.event.actor ?? null,
        location: item.event.location ?? null,
        message: item.event.message,
        flags: [f.dstAmbiguous && 'DST-ambiguous', f.dstGap && 'DST gap', f.yearInferred && 'year inferred', f.zoneAssumed && 'zone assumed']
          .filter((x): x is string => Boolean(x))
      })
    }
    if (++seen >= req.limit * 5 || preview.events.length >= req.limit) break
  }
  controller.abort()
  await run.items.return(undefined)
  preview.time = run.resolver.summary()
  preview.notes = run.notes
  preview.message = `${preview.events.length} events shown as ${importer.name}.`
  return preview
}
