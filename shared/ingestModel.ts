// Import reports, sources and events as they cross the API.
import { z } from 'zod'
import { EventCategory, Outcome } from './event'
import { IsoUtc, Sha256Hex } from './model'

export const FormatInfo = z.object({ id: z.string(), name: z.string(), description: z.string() })
export type FormatInfo = z.infer<typeof FormatInfo>

export const Detection = z.object({ id: z.string(), name: z.string(), confidence: z.number() })
export type Detection = z.infer<typeof Detection>

export const TimeDecisionsSchema = z.object({
  timeZone: z.string(),
  offsetUs: z.number(),
  explicitYear: z.number().int().nullable(),
  stampsWithZone: z.number().int(),
  stampsInSourceZone: z.number().int(),
  abbreviations: z.record(z.string(), z.object({ offsetMinutes: z.number(), count: z.number().int() })),
  yearInference: z
    .object({
      basis: z.enum(['explicit', 'file-mtime', 'current-date']),
      firstYear: z.number().int(),
      rollovers: z.array(z.object({ recordIndex: z.number().int(), toYear: z.number().int() })),
      lateRecords: z.number().int()
    })
    .nullable(),
  dstAmbiguous: z.number().int(),
  dstGap: z.number().int()
})
export type TimeDecisionsSchema = z.infer<typeof TimeDecisionsSchema>

export const ImportIssue = z.object({
  line: z.number().int().nullable(),
  record: z.number().int().nullable(),
  offset: z.number().int(),
  reason: z.string(),
  excerpt: z.string()
})
export type ImportIssue = z.infer<typeof ImportIssue>

export const ImportReport = z.object({
  status: z.enum(['complete', 'failed', 'cancelled']),
  message: z.string(),
  evidenceId: z.number().int(),
  fileName: z.string(),
  sourceId: z.number().int().nullable(),
  format: z.string().nullable(),
  formatName: z.string().nullable(),
  formatChosenBy: z.enum(['detected', 'user']).nullable(),
  detection: z.array(Detection),
  events: z.number().int(),
  badLines: z.number().int(),
  invalidUtf8Lines: z.number().int(),
  issues: z.array(ImportIssue),
  bytes: z.number().int(),
  durationMs: z.number(),
  eventsPerSecond: z.number(),
  firstTs: IsoUtc.nullable(),
  lastTs: IsoUtc.nullable(),
  time: TimeDecisionsSchema.nullable(),
  notes: z.array(z.string())
})
export type ImportReport = z.infer<typeof ImportReport>

export const SourceSummary = z.object({
  id: z.number().int(),
  evidenceId: z.number().int(),
  evidenceSha256: Sha256Hex,
  fileName: z.string(),
  format: z.string(),
  formatChosenBy: z.enum(['detected', 'user']),
  timeZone: z.string(),
  explicitYear: z.number().int().nullable(),
  clockOffsetUs: z.number().int(),
  importedAt: IsoUtc,
  examiner: z.string(),
  events: z.number().int(),
  badLines: z.number().int(),
  invalidUtf8Lines: z.number().int(),
  firstTs: IsoUtc.nullable(),
  lastTs: IsoUtc.nullable(),
  time: TimeDecisionsSchema,
  notes: z.array(z.string())
})
export type SourceSummary = z.infer<typeof SourceSummary>

export const EventRecord = z.object({
  id: z.number().int(),
  sourceId: z.number().int(),
  ts: IsoUtc,
  sourceTs: IsoUtc,
  rawTime: z.string(),
  category: EventCategory,
  action: z.string(),
  outcome: Outcome,
  actor: z.string().nullable(),
  actorId: z.string().nullable(),
  host: z.string().nullable(),
  srcIp: z.string().nullable(),
  dstIp: z.string().nullable(),
  location: z.string().nullable(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()),
  ref: z.object({
    sha256: Sha256Hex,
    offset: z.number().int(),
    length: z.number().int(),
    line: z.number().int().nullable(),
    record: z.number().int().nullable()
  }),
  flags: z.object({
    dstAmbiguous: z.boolean(),
    dstGap: z.boolean(),
    yearInferred: z.boolean(),
    zoneAssumed: z.boolean(),
    invalidUtf8: z.boolean()
  })
})
export type EventRecord = z.infer<typeof EventRecord>
