// The machinery shared by every tabular badge export: CSV/TSV with a header row (found
// within the first lines, after any report preamble) or JSON lines. A vendor profile says
// which headers are its own, makes its per-file decisions from the header (which time
// column, which zone) and maps one row to an AccessRecord; this module does the rest.
import type { Importer, LineOutput, ParserContext, SniffInput } from '../../types'
import { bad, ok, skip } from '../../types'
import { accessEvent, type AccessRecord } from './accessEvent'
import { detectDelimiter, splitCsvLine } from './csvLine'
import { FieldBag, flattenJson, normKey } from './fieldBag'
import type { EventTime } from '../../types'

export interface HeaderView {
  kind: 'csv' | 'jsonl'
  /** Column names as written (JSON: dotted key paths). */
  names: string[]
  /** `normKey` of every name. */
  keys: Set<string>
}

export type RowResult = AccessRecord | { bad: string } | { skip: true }
export type RowMapper = (row: FieldBag) => RowResult

export interface TableProfile {
  id: string
  name: string
  description: string
  /** 0..1 from the header alone; above 0 the parser accepts the line as this vendor's header. */
  matchHeader(h: HeaderView): number
  /** Sniff-time refinement from sample rows, for vendors whose header alone is not distinctive. */
  confirm?(h: HeaderView, rows: FieldBag[], headerScore: number): number
  /** Per-file decisions from the header; a string explains why the file cannot be imported. */
  bind(h: HeaderView, ctx: ParserContext): RowMapper | string
}

/** Lines searched for the header row; report exports put a title and filters above it. */
export const HEADER_SEARCH_LINES = 10
const SAMPLE_ROWS = 20

export function headerView(kind: HeaderView['kind'], names: string[]): HeaderView {
  return { kind, names, keys: new Set(names.map(normKey)) }
}

/** True when the header holds any of the names (compared loosely). */
export function hasAny(h: HeaderView, ...names: string[]): boolean {
  return names.some((n) => h.keys.has(normKey(n)))
}

/** The first of the names the header holds, as written in the header. */
export function firstPresent(h: HeaderView, ...names: string[]): string | undefined {
  for (const n of names) {
    const key = normKey(n)
    const hit = h.names.find((x) => normKey(x) === key)
    if (hit !== undefined) return hit
  }
  return undefined
}

/** Reads a row's time with the column's parser, or explains why not. */
export function readTime(
  row: FieldBag,
  column: string,
  parse: (text: string) => EventTime | null
): { time: EventTime; rawTime: string } | { bad: string } {
  const raw = row.get(column)
  if (raw === undefined) return { bad: `no time in column "${column}"` }
  const time = parse(raw)
  if (!time) return { bad: `unreadable time "${raw.slice(0, 60)}" in column "${column}"` }
  return { time, rawTime: raw }
}

interface Candidate {
  header: HeaderView
  rows: () => FieldBag[]
}

const headCache = new WeakMap<SniffInput, Candidate[]>()

/** Header candidates of a file head, computed once per file for all badge profiles. */
export function tableCandidates(input: SniffInput): Candidate[] {
  const cached = headCache.get(input)
  if (cached) return cached
  const found = computeCandidates(input)
  headCache.set(input, found)
  return found
}

function computeCandidates(input: SniffInput): Candidate[] {
  // Binary data is never a table; UTF-16 exports are not read by the line pipeline either.
  if (input.head.includes(0)) return []
  const lines = input.lines.filter((l) => l.trim() !== '')
  if (lines.length === 0) return []
  if (lines[0]!.trimStart().startsWith('{')) {
    const objects: FieldBag[] = []
    const names = new Set<string>()
    for (const l of lines.slice(0, SAMPLE_ROWS)) {
      const entries = jsonEntries(l)
      if (typeof entries === 'string') continue
      for (const [n] of entries) names.add(n)
      objects.push(new FieldBag(entries))
    }
    if (objects.length === 0) return []
    return [{ header: headerView('jsonl', [...names]), rows: () => objects }]
  }
  const out: Candidate[] = []
  for (let i = 0; i < Math.min(lines.length, HEADER_SEARCH_LINES); i++) {
    const delimiter = detectDelimiter(lines[i]!)
    const split = splitCsvLine(lines[i]!, delimiter)
    if ('error' in split || split.fields.length < 2) continue
    const names = split.fields
    let rows: FieldBag[] | null = null
    out.push({
      header: headerView('csv', names),
      rows: () =>
        (rows ??= lines
          .slice(i + 1, i + 1 + SAMPLE_ROWS)
          .map((l) => splitCsvLine(l, delimiter))
          .filter((s): s is { fields: string[] } => 'fields' in s)
          .map((s) => new FieldBag(names.map((n, j) => [n, s.fields[j] ?? '']))))
    })
  }
  return out
}

function jsonEntries(text: string): [string, string][] | string {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    return `invalid JSON: ${(err as Error).message}`
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'JSON line is not an object'
  return flattenJson(value as Record<string, unknown>)
}

export function sniffTable(profile: TableProfile, input: SniffInput): number {
  let best = 0
  for (const c of tableCandidates(input)) {
    const h = profile.matchHeader(c.header)
    if (h <= 0) continue
    best = Math.max(best, profile.confirm ? profile.confirm(c.header, c.rows(), h) : h)
  }
  return best
}

function toOutput(mapper: RowMapper, row: FieldBag): LineOutput {
  const r = mapper(row)
  if ('bad' in r) return bad(r.bad)
  if ('skip' in r) return skip()
  const rest = row.unused()
  if (Object.keys(rest).length > 0) r.extra = { ...r.extra, sourceColumns: rest }
  return ok(accessEvent(r))
}

export function createTableImporter(profile: TableProfile): Importer {
  return {
    id: profile.id,
    name: profile.name,
    description: profile.description,
    sniff: (input) => sniffTable(profile, input),
    createLineParser(ctx: ParserContext) {
      let header: HeaderView | null = null
      let headerLine = ''
      let headerLineNo = 0
      let delimiter = ','
      let mapper: RowMapper | null = null
      let refused: string | null = null
      let jsonl = false
      let preamble = 0

      return {
        line(text: string, lineNo: number): LineOutput {
          if (refused) return bad(`not imported: the header on line ${headerLineNo} ${refused}`)
          if (jsonl || (!header && text.trimStart().startsWith('{'))) {
            jsonl = true
            const entries = jsonEntries(text)
            if (typeof entries === 'string') return bad(entries)
            const m = profile.bind(headerView('jsonl', entries.map(([n]) => n)), ctx)
            if (typeof m === 'string') return bad(m)
            return toOutput(m, new FieldBag(entries))
          }
          if (!header || !mapper) {
            const d = detectDelimiter(text)
            const split = splitCsvLine(text, d)
            const h = 'fields' in split ? headerView('csv', split.fields) : null
            if (h && h.names.length >= 2 && profile.matchHeader(h) > 0) {
              header = h
              headerLine = text
              headerLineNo = lineNo
              delimiter = d
              const m = profile.bind(h, ctx)
              if (typeof m === 'string') {
                refused = m
                return bad(`${profile.name} header ${m}`)
              }
              mapper = m
              if (preamble > 0) ctx.note(`${preamble} line(s) above the header row (line ${lineNo}) skipped as report preamble`)
              if (d !== ',') ctx.note(`columns separated by ${d === '\t' ? 'tabs' : `"${d}"`}`)
              return skip()
            }
            preamble++
            if (lineNo <= HEADER_SEARCH_LINES) return skip()
            return bad(`no ${profile.name} header row in the first ${HEADER_SEARCH_LINES} lines`)
          }
          if (text === headerLine) return skip()
          const split = splitCsvLine(text, delimiter)
          if ('error' in split) return bad(split.error)
          let fields = split.fields
          const n = header.names.length
          // A trailing delimiter on data rows only adds empty fields; anything else would shift columns.
          if (fields.length > n && fields.slice(n).every((f) => f === '')) fields = fields.slice(0, n)
          if (fields.length !== n) return bad(`row has ${fields.length} fields; the header (line ${headerLineNo}) has ${n}`)
          const names = header.names
          return toOutput(mapper, new FieldBag(names.map((name, i) => [name, fields[i]!])))
        }
      }
    }
  }
}
