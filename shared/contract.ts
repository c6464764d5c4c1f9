// The one API between the renderer and the core. Every call has a request and a
// response schema; every transport (Electron IPC, the loopback web host) validates the
// request on arrival and the client validates the response, so nothing untyped crosses.
import { z } from 'zod'
import {
  AcquireResult,
  AppInfo,
  CaseSummary,
  CustodyEntry,
  EvidenceItem,
  RecentCase,
  Settings,
  VerifyReport
} from './model'
import { TimelineExtent, TimelineGroupBy, TimelineHistogram } from './timelineModel'
import { EventRecord, FormatInfo, ImportIssue, ImportReport, SourceSummary, Detection, TimeDecisionsSchema } from './ingestModel'
import { MappingProfile, MappingSuggestionResult } from './mappingProfile'
import { videoContract, videoJobResults } from './contracts/video'
import { annotationsContract, annotationsJobResults } from './contracts/annotations'
import { exportsContract, exportsJobResults } from './contracts/exports'
import { correlationContract, correlationJobResults } from './contracts/correlation'

const Empty = z.object({}).strict()
const JobStarted = z.object({ jobId: z.string() })
const TimeZoneName = z.string().min(1).max(64)

/** A clock offset as investigators write it: +43s, -1m30s, +250ms, -00:01:30. */
const ClockOffsetText = z.string().max(40).regex(/^[+-]?(\d+(\.\d+)?(h|m|s|ms|us)\s*)+$|^[+-]?\d+:\d{2}:\d{2}(\.\d{1,6})?$/, 'a clock offset such as +43s or -00:01:30')

const ImportPreview = z.object({
  /** Set when the item is an archive: its members are expanded and imported one by one. */
  archive: z.enum(['zip', 'gzip']).nullable(),
  /** Set when the item is video footage (container signature): it is imported with video.import, not as a log. */
  video: z.object({ demuxer: z.string(), reason: z.string() }).nullable().optional(),
  detection: z.array(Detection),
  format: z.string().nullable(),
  formatName: z.string().nullable(),
  message: z.string(),
  events: z.array(
    z.object({
      line: z.number().int().nullable(),
      record: z.number().int().nullable(),
      rawTime: z.string(),
      sourceTs: z.string(),
      ts: z.string(),
      category: z.string(),
      action: z.string(),
      outcome: z.string(),
      actor: z.string().nullable(),
      location: z.string().nullable(),
      message: z.string(),
      flags: z.array(z.string())
    })
  ),
  issues: z.array(ImportIssue),
  time: TimeDecisionsSchema.nullable(),
  notes: z.array(z.string())
})
export type ImportPreview = z.infer<typeof ImportPreview>

/** import.preview / import.start read the file with a built-in format (or detection), or with a mapping profile. */
const formatOrMapping = (r: { format: string | null; mapping: MappingProfile | null }): boolean => !(r.format && r.mapping)
const notBoth = { message: 'give either a format or a mapping profile, not both', path: ['mapping'] }

const SavedMappingProfile = z.object({ path: z.string(), profile: MappingProfile })
export type SavedMappingProfile = z.infer<typeof SavedMappingProfile>

const EventQuery = z
  .object({
    from: z.string().max(40).nullable().default(null),
    to: z.string().max(40).nullable().default(null),
    q: z.string().max(500).nullable().default(null),
    sourceId: z.number().int().positive().nullable().default(null),
    category: z.string().max(40).nullable().default(null),
    action: z.string().max(200).nullable().default(null),
    outcome: z.enum(['success', 'failure', 'unknown']).nullable().default(null),
    actor: z.string().max(500).nullable().default(null),
    location: z.string().max(500).nullable().default(null),
    host: z.string().max(500).nullable().default(null),
    ip: z.string().max(100).nullable().default(null),
    /** Events carrying this tag (issue 5: shared/contracts/annotations.ts). */
    tag: z.string().max(64).nullable().default(null),
    limit: z.number().int().min(1).max(10_000).default(500),
    after: z.object({ ts: z.string().max(40), id: z.number().int() }).nullable().default(null),
    /** Newest first: with `to`, the events just before an instant (stepping backwards). */
    newestFirst: z.boolean().default(false)
  })
  .strict()

/** What the investigator chooses before an import (preview and start take the same). */
const ImportChoices = z.object({
  evidenceId: z.number().int().positive(),
  format: z.string().max(100).nullable().default(null),
  /** Read with this mapping profile instead of a format. */
  mapping: MappingProfile.nullable().default(null),
  timeZone: TimeZoneName.nullable().default(null),
  year: z.number().int().min(1970).max(2100).nullable().default(null),
  offset: ClockOffsetText.default('0s')
})

/** The calls of the spine and the importers; each later area adds its own section (shared/contracts/). */
const coreContract = {
  'app.info': { request: Empty, response: AppInfo },
  'settings.get': { request: Empty, response: Settings },
  'settings.update': { request: Settings.partial().strict(), response: Settings },

  'case.create': {
    request: z
      .object({
        dir: z.string().min(1),
        name: z.string().min(1).max(200),
        examiner: z.string().min(1).max(200).optional(),
        timeZone: TimeZoneName.optional()
      })
      .strict(),
    response: CaseSummary
  },
  'case.open': { request: z.object({ dir: z.string().min(1) }).strict(), response: CaseSummary },
  'case.close': { request: Empty, response: z.object({ closed: z.boolean() }) },
  'case.current': { request: Empty, response: CaseSummary.nullable() },
  'case.recent': { request: Empty, response: z.array(RecentCase) },
  'case.setTimeZone': {
    request: z.object({ timeZone: TimeZoneName, reason: z.string().max(2000).default('') }).strict(),
    response: CaseSummary
  },
  'case.verify': { request: Empty, response: JobStarted },

  'evidence.list': { request: Empty, response: z.array(EvidenceItem) },
  'evidence.acquire': {
    request: z
      .object({ paths: z.array(z.string().min(1)).min(1).max(10_000), note: z.string().max(10_000).default('') })
      .strict(),
    response: JobStarted
  },

  'custody.list': {
    request: z
      .object({ afterSeq: z.number().int().nonnegative().default(0), limit: z.number().int().min(1).max(10_000).default(1000) })
      .strict(),
    response: z.array(CustodyEntry)
  },

  'formats.list': { request: Empty, response: z.array(FormatInfo) },
  'import.preview': {
    request: ImportChoices.extend({ limit: z.number().int().min(1).max(200).default(20) })
      .strict()
      .refine(formatOrMapping, notBoth),
    response: ImportPreview
  },
  'import.start': {
    request: ImportChoices.strict().refine(formatOrMapping, notBoth),
    response: JobStarted
  },

  /** Saved mapping profiles (`<config>/mapping-profiles/*.json`), with the files that are not valid profiles. */
  'mapping.list': {
    request: Empty,
    response: z.object({ dir: z.string(), profiles: z.array(SavedMappingProfile), invalid: z.array(z.object({ path: z.string(), error: z.string() })) })
  },
  'mapping.save': {
    request: z.object({ profile: MappingProfile, replace: z.boolean().default(false) }).strict(),
    response: SavedMappingProfile
  },
  /** The columns and a few rows of an evidence file, with a proposed mapping. */
  'mapping.suggest': { request: z.object({ evidenceId: z.number().int().positive() }).strict(), response: MappingSuggestionResult },
  'sources.list': { request: Empty, response: z.array(SourceSummary) },
  'sources.setTime': {
    request: z
      .object({
        sourceId: z.number().int().positive(),
        timeZone: TimeZoneName.optional(),
        year: z.number().int().min(1970).max(2100).nullable().optional(),
        offset: ClockOffsetText.optional(),
        reason: z.string().min(1, 'say why the time reading changes').max(2000)
      })
      .strict(),
    response: JobStarted
  },
  'timeline.extent': { request: Empty, response: TimelineExtent },
  'timeline.histogram': {
    request: z
      .object({
        fromUs: z.number(),
        toUs: z.number(),
        buckets: z.number().int().min(1).max(8000),
        groupBy: TimelineGroupBy.default('source')
      })
      .strict()
      .refine((r) => r.toUs > r.fromUs, 'toUs must be after fromUs'),
    response: TimelineHistogram
  },
  'events.query': { request: EventQuery, response: z.array(EventRecord) },
  'events.get': {
    request: z.object({ id: z.number().int().positive() }).strict(),
    response: z.object({ event: EventRecord, original: z.string(), originalTruncated: z.boolean() })
  },

  'jobs.cancel': { request: z.object({ jobId: z.string().min(1) }).strict(), response: z.object({ cancelled: z.boolean() }) }
}

export const contract = {
  ...coreContract,
  ...videoContract,
  ...annotationsContract,
  ...exportsContract,
  ...correlationContract
} as const

export type Contract = typeof contract
export type Method = keyof Contract
export type Request<M extends Method> = z.input<Contract[M]['request']>
export type ParsedRequest<M extends Method> = z.output<Contract[M]['request']>
export type Response<M extends Method> = z.output<Contract[M]['response']>

export const methods = Object.keys(contract) as Method[]
export function isMethod(name: unknown): name is Method {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(contract, name)
}

/** The result each kind of long-running job delivers with `job.done`. */
export const jobResults = {
  acquire: AcquireResult,
  verify: VerifyReport,
  upload: AcquireResult,
  import: z.array(ImportReport),
  retime: SourceSummary,
  ...videoJobResults,
  ...annotationsJobResults,
  ...exportsJobResults,
  ...correlationJobResults
} as const
export type JobKind = keyof typeof jobResults
export const JobKindSchema = z.enum(Object.keys(jobResults) as [JobKind, ...JobKind[]])
export type JobResult<K extends JobKind> = z.output<(typeof jobResults)[K]>

export const ErrorCode = z.enum(['BAD_REQUEST', 'NO_CASE', 'NOT_FOUND', 'CONFLICT', 'FORBIDDEN', 'INTEGRITY', 'INTERNAL'])
export type ErrorCode = z.infer<typeof ErrorCode>
export const ApiErrorBody = z.object({ code: ErrorCode, message: z.string() })
export type ApiErrorBody = z.infer<typeof ApiErrorBody>

/** What a transport sends back for every call. */
export const Envelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), result: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorBody })
])
export type Envelope = z.infer<typeof Envelope>

/** What a transport sends to ask for a call. */
export const CallMessage = z.object({ method: z.string().max(100), params: z.unknown() }).strict()

const JobBase = { jobId: z.string(), kind: JobKindSchema }
export const JobProgress = z.object({
  type: z.literal('job.progress'),
  ...JobBase,
  label: z.string(),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative().nullable(),
  itemsDone: z.number().int().nonnegative(),
  itemsTotal: z.number().int().nonnegative().nullable(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable()
})
export type JobProgress = z.infer<typeof JobProgress>

export const ServerEvent = z.discriminatedUnion('type', [
  JobProgress,
  z.object({ type: z.literal('job.done'), ...JobBase, result: z.unknown() }),
  z.object({ type: z.literal('job.failed'), ...JobBase, error: ApiErrorBody }),
  z.object({ type: z.literal('job.cancelled'), ...JobBase }),
  z.object({ type: z.literal('case.changed'), summary: CaseSummary.nullable() })
])
export type ServerEvent = z.infer<typeof ServerEvent>

export { ipcChannels } from './bridge'
