// Test helper: runs one importer over a file exactly as the import pipeline does (same
// line reader, same time resolution) and returns plain values to assert on.
import { stat } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import { parseFile } from '../../electron/core/ingest/parseFile'
import { importerById } from '../../electron/core/ingest/registry'
import { readSniffInput, rankImporters } from '../../electron/core/ingest/sniff'
import { importers } from '../../electron/core/ingest/registry'
import type { Importer, ParsedEvent } from '../../electron/core/ingest/types'
import type { TimeDecisions, TimeFlags } from '../../electron/core/ingest/timeResolve'
import { microsToIso } from '../../shared/time'

/** Path of a file under ../shared/samples (beside the project root). */
export function sample(rel: string): string {
  return resolve(__dirname, '..', '..', '..', 'shared', 'samples', rel)
}

export interface SampleEvent extends Omit<ParsedEvent, 'time'> {
  ts: string
  sourceTs: string
  flags: TimeFlags
  lineNo: number | null
  recordNo: number | null
  offset: number
  length: number
}

export interface SampleImport {
  events: SampleEvent[]
  bad: { lineNo: number | null; recordNo: number | null; reason: string; excerpt: string }[]
  decisions: TimeDecisions
  notes: string[]
}

export async function importSample(
  importer: Importer | string,
  path: string,
  options: { timeZone?: string; year?: number | null; offsetUs?: number; mtimeUs?: number | null } = {}
): Promise<SampleImport> {
  const imp = typeof importer === 'string' ? importerById(importer) : importer
  if (!imp) throw new Error(`no importer ${String(importer)}`)
  const mtimeUs = options.mtimeUs !== undefined ? options.mtimeUs : Math.round((await stat(path)).mtimeMs * 1000)
  const run = parseFile(path, imp, {
    fileName: basename(path),
    time: { timeZone: options.timeZone ?? 'UTC', explicitYear: options.year ?? null, fileMtimeUs: mtimeUs, offsetUs: options.offsetUs ?? 0 }
  })
  const events: SampleEvent[] = []
  const bad: SampleImport['bad'] = []
  for await (const item of run.items) {
    if (item.kind === 'bad') bad.push({ lineNo: item.ref.lineNo, recordNo: item.ref.recordNo, reason: item.reason, excerpt: item.excerpt })
    else {
      const { time: _time, ...rest } = item.event
      events.push({
        ...rest,
        ts: microsToIso(item.us),
        sourceTs: microsToIso(item.sourceUs),
        flags: item.flags,
        lineNo: item.ref.lineNo,
        recordNo: item.ref.recordNo,
        offset: item.ref.offset,
        length: item.ref.length
      })
    }
  }
  return { events, bad, decisions: run.resolver.summary(), notes: run.notes }
}

/** The importer detection would pick for a file, and its confidence. */
export async function detect(path: string): Promise<{ id: string; confidence: number }> {
  const ranked = rankImporters(importers, await readSniffInput(path))
  return { id: ranked[0]?.id ?? '', confidence: ranked[0]?.confidence ?? 0 }
}
