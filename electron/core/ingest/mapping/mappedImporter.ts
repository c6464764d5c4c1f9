// Turns a mapping profile into an importer. Mapped importers are never detected (sniff is
// 0): the investigator picks the profile. A header that lacks a column the profile names
// refuses the whole file on the header line, and every later line says why it was not
// imported, rather than quietly importing events with fields missing.
import type { AccessAction } from '@shared/event'
import { EventCategory, type Outcome } from '@shared/event'
import type { Importer, LineOutput, LineParser, ParsedEvent, ParserContext } from '../types'
import { bad, ok, skip } from '../types'
import { classifyAccess, denialReason, type Classified } from '../formats/badge/accessClassifier'
import { accessEvent } from '../formats/badge/accessEvent'
import { splitCsvLine } from '../formats/badge/csvLine'
import { flattenJson, normKey } from '../formats/badge/fieldBag'
import { columnRefs, parseMappingProfile, type MappingColumns, type MappingProfile } from './profile'
import { timeReader } from './timeFormat'

const MAX_MESSAGE = 500

/** Problems a header has against a profile (empty when every named column is there). */
export function checkProfileAgainstHeader(profile: MappingProfile, headerColumns: string[]): string[] {
  if (profile.kind === 'jsonl' || !profile.headerRow) return []
  const problems: string[] = []
  for (const [path, ref] of columnRefs(profile)) {
    if (columnIndex(headerColumns, ref) === -1) problems.push(`${path.join('.')} names "${ref}", which is not a column of the header`)
  }
  return problems
}

function columnIndex(header: string[], ref: string): number {
  const exact = header.indexOf(ref)
  if (exact !== -1) return exact
  const key = normKey(ref)
  return key === '' ? -1 : header.findIndex((h) => normKey(h) === key)
}

const SUCCESS = /^(success|successful|succeeded|ok|allow|allowed|accept|accepted|granted|pass|passed|true|permit|permitted)$/i
const FAILURE = /^(fail|failed|failure|denied|deny|blocked|block|reject|rejected|drop|dropped|error|false|refused)$/i

function lookup<T>(map: Record<string, T> | undefined, text: string): T | undefined {
  if (!map) return undefined
  if (text in map) return map[text]
  const lower = text.trim().toLowerCase()
  for (const [k, v] of Object.entries(map)) if (k.trim().toLowerCase() === lower) return v
  return undefined
}

interface Row {
  get(ref: string | undefined): string | undefined
  /** Non-empty values of columns the profile does not map. */
  rest(): Record<string, string>
}

class MappedParser implements LineParser {
  private readonly delimiter: string
  private readonly readTime: ReturnType<typeof timeReader>
  private readonly mapped: Set<string>
  private header: string[] | null = null
  private headerLineNo = 0
  /** Column reference → field index, fixed by the header (or the column numbers). */
  private index = new Map<string, number>()
  private mappedIdx = new Set<number>()
  private refused: string | null = null

  constructor(
    private readonly p: MappingProfile,
    private readonly ctx: ParserContext
  ) {
    this.delimiter = p.kind === 'tsv' ? '\t' : (p.delimiter ?? ',')
    this.readTime = timeReader(p.time.format, p.time.zone)
    this.mapped = new Set(columnRefs(p).map(([, ref]) => ref))
    if (!p.headerRow) this.fixIndex((ref) => Number(ref) - 1)
    ctx.note(`mapped with profile "${p.id}" (${p.name}); time from ${p.time.column} as ${p.time.format}, ${p.time.zone === 'utc' ? 'UTC' : "local time in the source's zone"} unless the stamp carries an offset`)
  }

  line(text: string, lineNo: number): LineOutput {
    if (this.refused) return bad(`not imported: ${this.refused}`)
    if (this.p.kind === 'jsonl') return this.jsonLine(text)
    const split = splitCsvLine(text, this.delimiter)
    if (this.p.headerRow && !this.header) {
      if ('error' in split) {
        this.refused = `the header row (line ${lineNo}) is unreadable: ${split.error}`
        return bad(split.error)
      }
      const problems = checkProfileAgainstHeader(this.p, split.fields)
      if (problems.length > 0) {
        this.refused = `the header (line ${lineNo}) does not match profile "${this.p.id}"`
        this.ctx.note(`header does not match profile "${this.p.id}": ${problems.join('; ')}`)
        return bad(`header does not match profile "${this.p.id}": ${problems.join('; ')} (header: ${split.fields.join(', ').slice(0, 300)})`)
      }
      this.header = split.fields
      this.headerLineNo = lineNo
      this.fixIndex((ref) => columnIndex(split.fields, ref))
      return skip()
    }
    if ('error' in split) return bad(split.error)
    let fields = split.fields
    const header = this.header
    if (header) {
      if (fields.length > header.length && fields.slice(header.length).every((f) => f === '')) fields = fields.slice(0, header.length)
      if (fields.length !== header.length) return bad(`row has ${fields.length} fields; the header (line ${this.headerLineNo}) has ${header.length}`)
      if (fields.every((f, i) => f === header[i])) return skip()
    }
    const { index, mappedIdx } = this
    const row: Row = {
      get: (ref) => {
        if (ref === undefined) return undefined
        const v = fields[index.get(ref) ?? -1]?.trim()
        return v === undefined || v === '' ? undefined : v
      },
      rest: () => {
        const out: Record<string, string> = {}
        fields.forEach((f, i) => {
          if (!mappedIdx.has(i) && f !== '') out[header ? header[i]! : `column ${i + 1}`] = f
        })
        return out
      }
    }
    return this.event(row, text)
  }

  private fixIndex(indexOf: (ref: string) => number): void {
    this.index = new Map([...this.mapped].map((ref) => [ref, indexOf(ref)]))
    this.mappedIdx = new Set(this.index.values())
  }

  private jsonLine(text: string): LineOutput {
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch (err) {
      return bad(`invalid JSON: ${(err as Error).message}`)
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('JSON line is not an object')
    const entries = new Map(flattenJson(value as Record<string, unknown>))
    const find = (ref: string): string | undefined => {
      if (entries.has(ref)) return ref
      const key = normKey(ref)
      for (const k of entries.keys()) if (normKey(k) === key) return k
      return undefined
    }
    const used = new Set([...this.mapped].map(find))
    const row: Row = {
      get: (ref) => {
        const k = ref === undefined ? undefined : find(ref)
        const v = k === undefined ? undefined : entries.get(k)?.trim()
        return v === undefined || v === '' ? undefined : v
      },
      rest: () => Object.fromEntries([...entries].filter(([k, v]) => !used.has(k) && v !== ''))
    }
    return this.event(row, text)
  }

  private event(row: Row, text: string): LineOutput {
    const { p } = this
    const c: MappingColumns = p.columns
    const rawTime = row.get(p.time.column)
    if (rawTime === undefined) return bad(`no time in column "${p.time.column}"`)
    const time = this.readTime(rawTime)
    if (!time) return bad(`unreadable time "${rawTime.slice(0, 60)}" in column "${p.time.column}" (format ${p.time.format})`)

    const categoryText = row.get(c.category)
    const category = EventCategory.safeParse(categoryText?.toLowerCase()).data ?? p.category
    const actionText = row.get(c.action)
    const sourceColumns = row.rest()
    const network = { host: row.get(c.host) ?? null, srcIp: row.get(c.srcIp) ?? null, dstIp: row.get(c.dstIp) ?? null }

    if (category === 'access') {
      const reasonText = row.get(c.reason)
      const mapped: AccessAction | undefined = actionText === undefined ? undefined : lookup(p.actionMap, actionText)
      let cls: Classified
      if (mapped) cls = mapped === 'denied' ? { action: 'denied', reason: denialReason(reasonText ?? actionText) } : { action: mapped }
      else cls = classifyAccess(actionText ?? '', { reasonText })
      const e = accessEvent({
        time,
        rawTime,
        ...cls,
        vendorEvent: actionText ?? '',
        reasonText,
        cardholder: row.get(c.actor),
        cardNumber: row.get(c.cardNumber) ?? row.get(c.actorId),
        employeeId: row.get(c.employeeId),
        site: row.get(c.site),
        door: row.get(c.door),
        reader: row.get(c.reader),
        panel: row.get(c.panel),
        location: row.get(c.location),
        message: row.get(c.message),
        extra: Object.keys(sourceColumns).length > 0 ? { sourceColumns } : undefined
      })
      return ok({ ...e, ...network })
    }

    const outcomeText = row.get(c.outcome)
    let outcome: Outcome = 'unknown'
    if (outcomeText !== undefined) outcome = lookup(p.outcomeMap, outcomeText) ?? (SUCCESS.test(outcomeText) ? 'success' : FAILURE.test(outcomeText) ? 'failure' : 'unknown')
    const fields: Record<string, unknown> = {}
    if (outcomeText !== undefined) fields.outcomeText = outcomeText
    if (categoryText !== undefined && categoryText.toLowerCase() !== category) fields.categoryText = categoryText
    if (Object.keys(sourceColumns).length > 0) fields.sourceColumns = sourceColumns
    const event: ParsedEvent = {
      time,
      rawTime,
      category,
      action: (actionText !== undefined ? lookup(p.actionMap, actionText) : undefined) ?? actionText ?? 'record',
      outcome,
      actor: row.get(c.actor) ?? null,
      actorId: row.get(c.actorId) ?? null,
      ...network,
      location: row.get(c.location) ?? null,
      message: row.get(c.message) ?? text.slice(0, MAX_MESSAGE),
      fields
    }
    return ok(event)
  }
}

export function createMappedImporter(profile: MappingProfile): Importer {
  const p = parseMappingProfile(profile)
  return {
    id: `mapped-${p.id}`,
    name: p.name,
    description: `${p.kind.toUpperCase()} read with the mapping profile "${p.id}"`,
    // Chosen explicitly by the investigator, never by detection.
    sniff: () => 0,
    createLineParser: (ctx) => new MappedParser(p, ctx)
  }
}
