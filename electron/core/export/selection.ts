// What an export holds. No filter: the whole case (every original, every event). A time
// range and/or sources: the events inside them, and the originals of the sources in play
// (named sources, or those with events in the range), with the archives they came from.
import type { EventRecord, SourceSummary } from '@shared/ingestModel'
import type { EvidenceItem } from '@shared/model'
import { isoToMicros } from '@shared/time'
import type { Db } from '../case/database'
import { listEvidence } from '../case/evidence'
import { listSources, queryEvents } from '../timeline/eventQuery'

export interface Selection {
  from: string | null
  to: string | null
  /** null: every source. */
  sourceIds: number[] | null
  /** Only events carrying a tag or a bookmark (annotationsForExport.taggedOrBookmarked). */
  taggedOnly?: boolean
  /** Only the events that support confirmed findings. */
  findingsOnly?: boolean
  /** Access events only (the access-audit report): sources without any are left out. */
  accessOnly?: boolean
}

export class ExportInputError extends Error {}

export function isWholeCase(s: Selection): boolean {
  return !s.from && !s.to && s.sourceIds === null && !s.taggedOnly && !s.findingsOnly && !s.accessOnly
}

export function describeSelection(s: Selection): string {
  if (isWholeCase(s)) return 'the whole case (every original and every event)'
  const parts: string[] = []
  if (s.from || s.to) parts.push(`events from ${s.from ?? 'the first'} up to (not including) ${s.to ?? 'the last'}`)
  else parts.push('all events')
  if (s.sourceIds) parts.push(`of source${s.sourceIds.length === 1 ? '' : 's'} ${s.sourceIds.map((id) => `#${id}`).join(', ')}`)
  if (s.accessOnly) parts.push('(door access events only)')
  if (s.taggedOnly) parts.push('that carry a tag or a bookmark')
  if (s.findingsOnly) parts.push(s.taggedOnly ? 'or support a confirmed finding' : 'that support a confirmed finding')
  return `${parts.join(' ')}, with the originals of those sources`
}

export function checkSelection(s: Selection, sources: SourceSummary[]): void {
  const from = s.from ? isoToMicros(s.from) : null
  const to = s.to ? isoToMicros(s.to) : null
  if (s.from && from === null) throw new ExportInputError(`--from "${s.from}" is not an ISO 8601 time (e.g. 2024-05-03T22:14:00Z).`)
  if (s.to && to === null) throw new ExportInputError(`--to "${s.to}" is not an ISO 8601 time (e.g. 2024-05-03T23:00:00Z).`)
  if (from !== null && to !== null && from >= to) throw new ExportInputError(`--from ${s.from} is not before --to ${s.to}.`)
  const known = new Set(sources.map((x) => x.id))
  for (const id of s.sourceIds ?? []) {
    if (!known.has(id)) throw new ExportInputError(`There is no source #${id} in this case; \`iwb sources\` lists them.`)
  }
}

/** The sources whose events (and originals) are exported. */
export function sourcesInPlay(db: Db, s: Selection, sources: SourceSummary[]): SourceSummary[] {
  if (isWholeCase(s)) return sources
  if (s.sourceIds && !s.accessOnly) {
    const ids = new Set(s.sourceIds)
    return sources.filter((x) => ids.has(x.id))
  }
  const named = s.sourceIds ? new Set(s.sourceIds) : null
  const where: string[] = []
  const params: number[] = []
  if (s.accessOnly) where.push("category = 'access'")
  if (s.from) {
    where.push('ts >= ?')
    params.push(isoToMicros(s.from)!)
  }
  if (s.to) {
    where.push('ts < ?')
    params.push(isoToMicros(s.to)!)
  }
  const ids = new Set(
    (db.prepare(`SELECT DISTINCT source_id AS id FROM event ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).all(...params) as { id: number }[]).map(
      (r) => r.id
    )
  )
  return sources.filter((x) => ids.has(x.id) && (!named || named.has(x.id)))
}

/** The originals to copy: the whole case, or the evidence of the sources in play and the archives they were extracted from. */
export function originalsInPlay(db: Db, s: Selection, sources: SourceSummary[]): EvidenceItem[] {
  const all = listEvidence(db)
  if (isWholeCase(s)) return all
  const byId = new Map(all.map((e) => [e.id, e]))
  const keep = new Set<number>()
  for (const src of sources) {
    let item = byId.get(src.evidenceId)
    while (item && !keep.has(item.id)) {
      keep.add(item.id)
      item = item.parentId !== null ? byId.get(item.parentId) : undefined
    }
  }
  return all.filter((e) => keep.has(e.id))
}

/** Events in time order, page by page (keyset paging, so memory stays flat). */
export function* selectedEvents(db: Db, s: Selection, sources: SourceSummary[], pageSize = 5000): Generator<EventRecord[]> {
  const ids = new Set(sources.map((x) => x.id))
  const single = s.sourceIds?.length === 1 ? s.sourceIds[0]! : null
  let after: { ts: string; id: number } | null = null
  for (;;) {
    const page = queryEvents(db, { from: s.from, to: s.to, sourceId: single, category: s.accessOnly ? 'access' : null, after, limit: pageSize })
    if (page.length === 0) return
    const last = page[page.length - 1]!
    after = { ts: last.ts, id: last.id }
    // Several named sources: the query takes one source id, so the rest are filtered here.
    yield s.sourceIds && single === null ? page.filter((e) => ids.has(e.sourceId)) : page
    if (page.length < pageSize) return
  }
}

export function listAllSources(db: Db): SourceSummary[] {
  return listSources(db)
}
