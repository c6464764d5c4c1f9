// The mapping profile schema: how to read one CSV / TSV / JSON-lines export nobody wrote
// an importer for. It lives in shared/ because it crosses the API (import.preview,
// import.start and mapping.save carry a profile) and the renderer validates with the
// same schema; the mapping module (electron/core/ingest/mapping) re-exports it and adds
// the file handling. Free of Node imports: the renderer bundles it.
import { DateTime } from 'luxon'
import { z } from 'zod'
import { AccessAction, EventCategory, Outcome } from './event'

/** The format's tokens with quoted literals removed. */
export function timeFormatTokens(format: string): string {
  return format.replace(/'[^']*'/g, '')
}

/** Why a luxon token format cannot read a timestamp, or null when it can. */
export function checkTimeFormat(format: string): string | null {
  if (format === 'iso' || format === 'epoch-s' || format === 'epoch-ms') return null
  const t = timeFormatTokens(format)
  if (/[Xx]/.test(t)) return null
  const date = /[MLD]/.test(t) && (/d/.test(t) || /D/.test(t))
  const time = /[HhkTtfF]/.test(t)
  if (!date || !time) return `"${format}" needs month, day and hour tokens (e.g. "dd/MM/yyyy HH:mm:ss"), or use iso / epoch-s / epoch-ms`
  try {
    DateTime.buildFormatParser(format, { locale: 'en-US' })
  } catch (err) {
    return `"${format}" is not a luxon format: ${(err as Error).message}`
  }
  return null
}

/** A column: its header name, its 1-based number when there is no header row, or a dotted JSON key path. */
const ColumnRef = z.string().trim().min(1, 'must name a column')

export const MappingColumns = z.strictObject({
  actor: ColumnRef.optional(),
  actorId: ColumnRef.optional(),
  host: ColumnRef.optional(),
  srcIp: ColumnRef.optional(),
  dstIp: ColumnRef.optional(),
  location: ColumnRef.optional(),
  action: ColumnRef.optional(),
  outcome: ColumnRef.optional(),
  message: ColumnRef.optional(),
  category: ColumnRef.optional(),
  // Access-control columns, used when the category is access.
  cardNumber: ColumnRef.optional(),
  employeeId: ColumnRef.optional(),
  site: ColumnRef.optional(),
  door: ColumnRef.optional(),
  reader: ColumnRef.optional(),
  panel: ColumnRef.optional(),
  reason: ColumnRef.optional()
})
export type MappingColumns = z.infer<typeof MappingColumns>
export type MappingColumnName = keyof MappingColumns

export const MappingKind = z.enum(['csv', 'tsv', 'jsonl'])
export type MappingKind = z.infer<typeof MappingKind>
export const MappingTimeZone = z.enum(['utc', 'local'])

export const MappingProfile = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and hyphens (at most 63), e.g. "acme-door-log"'),
    name: z.string().trim().min(1, 'must not be empty').max(200),
    kind: MappingKind,
    delimiter: z.string().length(1, 'must be one character').optional(),
    headerRow: z.boolean(),
    time: z.strictObject({
      column: ColumnRef,
      format: z
        .string()
        .min(1)
        .superRefine((f, ctx) => {
          const why = checkTimeFormat(f)
          if (why) ctx.addIssue({ code: 'custom', message: why })
        }),
      zone: MappingTimeZone
    }),
    columns: MappingColumns,
    actionMap: z.record(z.string(), AccessAction).optional(),
    outcomeMap: z.record(z.string(), Outcome).optional(),
    category: EventCategory
  })
  .superRefine((p, ctx) => {
    if (p.kind === 'jsonl' && p.delimiter !== undefined) ctx.addIssue({ code: 'custom', path: ['delimiter'], message: 'does not apply to jsonl' })
    if (p.kind === 'jsonl' && p.headerRow) ctx.addIssue({ code: 'custom', path: ['headerRow'], message: 'must be false for jsonl (keys name the columns)' })
    if (p.kind === 'tsv' && p.delimiter !== undefined && p.delimiter !== '\t') ctx.addIssue({ code: 'custom', path: ['delimiter'], message: 'must be a tab for tsv' })
    if (p.kind !== 'jsonl' && !p.headerRow) {
      for (const [path, ref] of columnRefs(p)) {
        if (!/^[1-9]\d{0,3}$/.test(ref)) ctx.addIssue({ code: 'custom', path, message: `"${ref}" must be a column number (1, 2, …) when there is no header row` })
      }
    }
  })
export type MappingProfile = z.infer<typeof MappingProfile>

/** Every column a profile names, with the path of the field that names it. */
export function columnRefs(p: Pick<MappingProfile, 'time' | 'columns'>): [path: string[], ref: string][] {
  const out: [string[], string][] = [[['time', 'column'], p.time.column]]
  for (const [k, v] of Object.entries(p.columns)) if (v !== undefined) out.push([['columns', k], v])
  return out
}

/** A profile as proposed before the investigator completes it: time column or format may still be empty. */
export const MappingDraft = z.object({
  id: z.string(),
  name: z.string(),
  kind: MappingKind,
  delimiter: z.string().optional(),
  headerRow: z.boolean(),
  time: z.object({ column: z.string(), format: z.string(), zone: MappingTimeZone }),
  columns: z.record(z.string(), z.string()),
  actionMap: z.record(z.string(), AccessAction).optional(),
  outcomeMap: z.record(z.string(), Outcome).optional(),
  category: EventCategory
})
export type MappingDraft = z.infer<typeof MappingDraft>

/** What `mapping.suggest` returns for an evidence file: its columns, a few rows, and a proposed profile. */
export const MappingSuggestionResult = z.object({
  kind: MappingKind,
  /** The delimiter found on the header line (csv / tsv). */
  delimiter: z.string().nullable(),
  /** Column names from the header, or the flattened keys of the first JSON lines. */
  columns: z.array(z.string()),
  /** Up to a few rows after the header, cells in column order. */
  sampleRows: z.array(z.array(z.string())),
  draft: MappingDraft,
  /** Profile field → proposed column. */
  matches: z.record(z.string(), z.string()),
  missing: z.array(z.string()),
  notes: z.array(z.string())
})
export type MappingSuggestionResult = z.infer<typeof MappingSuggestionResult>
