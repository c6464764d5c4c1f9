// The objects both sides talk about, each a runtime schema with its static type.
// Times cross the boundary as ISO 8601 UTC text with a trailing Z; inside the core
// they are integer microseconds since the epoch (see shared/time.ts).
import { z } from 'zod'

export const IsoUtc = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/, 'ISO 8601 UTC time ending in Z')
export const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'lowercase hex SHA-256')

export const CaseSummary = z.object({
  caseId: z.string(),
  dir: z.string(),
  name: z.string(),
  examiner: z.string(),
  timeZone: z.string(),
  createdAt: IsoUtc,
  evidenceCount: z.number().int().nonnegative(),
  evidenceBytes: z.number().int().nonnegative(),
  custodyLength: z.number().int().nonnegative(),
  schemaVersion: z.number().int().positive()
})
export type CaseSummary = z.infer<typeof CaseSummary>

export const RecentCase = z.object({
  dir: z.string(),
  name: z.string(),
  lastOpened: IsoUtc,
  exists: z.boolean()
})
export type RecentCase = z.infer<typeof RecentCase>

export const EvidenceStatus = z.enum(['unverified', 'intact', 'changed', 'missing', 'writable'])
export type EvidenceStatus = z.infer<typeof EvidenceStatus>

export const EvidenceItem = z.object({
  id: z.number().int().positive(),
  sha256: Sha256Hex,
  size: z.number().int().nonnegative(),
  originalName: z.string(),
  originalPath: z.string(),
  sourceMtime: IsoUtc.nullable(),
  acquiredAt: IsoUtc,
  examiner: z.string(),
  workstation: z.string(),
  tool: z.string(),
  toolVersion: z.string(),
  note: z.string(),
  acquiredVia: z.enum(['file', 'upload', 'archive-member']),
  parentId: z.number().int().positive().nullable(),
  status: EvidenceStatus,
  lastCheckedAt: IsoUtc.nullable()
})
export type EvidenceItem = z.infer<typeof EvidenceItem>

export const CustodyEntry = z.object({
  seq: z.number().int().positive(),
  ts: IsoUtc,
  examiner: z.string(),
  action: z.string(),
  object: z.string(),
  details: z.record(z.string(), z.unknown()),
  prevHash: Sha256Hex,
  hash: Sha256Hex
})
export type CustodyEntry = z.infer<typeof CustodyEntry>

export const AcquireOutcome = z.object({
  path: z.string(),
  outcome: z.enum(['acquired', 'duplicate', 'refused']),
  evidence: EvidenceItem.nullable(),
  /** For duplicates: the item already in the case with the same SHA-256. */
  existingId: z.number().int().positive().nullable(),
  reason: z.string().nullable()
})
export type AcquireOutcome = z.infer<typeof AcquireOutcome>

export const AcquireResult = z.object({ items: z.array(AcquireOutcome) })
export type AcquireResult = z.infer<typeof AcquireResult>

export const VerifyProblem = z.object({
  kind: z.enum([
    'evidence-changed',
    'evidence-missing',
    'evidence-writable',
    'evidence-unregistered',
    'custody-broken',
    'custody-gap',
    'custody-unprotected',
    'database'
  ]),
  object: z.string(),
  message: z.string()
})
export type VerifyProblem = z.infer<typeof VerifyProblem>

export const VerifyReport = z.object({
  ok: z.boolean(),
  checkedAt: IsoUtc,
  evidenceChecked: z.number().int().nonnegative(),
  bytesHashed: z.number().int().nonnegative(),
  custodyLength: z.number().int().nonnegative(),
  evidence: z.array(
    z.object({
      id: z.number().int(),
      originalName: z.string(),
      sha256: Sha256Hex,
      status: EvidenceStatus,
      actualSha256: Sha256Hex.nullable()
    })
  ),
  problems: z.array(VerifyProblem)
})
export type VerifyReport = z.infer<typeof VerifyReport>

export const Settings = z.object({
  examinerName: z.string().min(1),
  organisation: z.string(),
  defaultTimeZone: z.string(),
  ffmpegPath: z.string(),
  ffprobePath: z.string()
})
export type Settings = z.infer<typeof Settings>

export const ToolInfo = z.object({ path: z.string(), version: z.string(), origin: z.enum(['settings', 'bundled', 'path']) })
export type ToolInfo = z.infer<typeof ToolInfo>

export const AppInfo = z.object({
  appName: z.string(),
  appVersion: z.string(),
  node: z.string(),
  electron: z.string().nullable(),
  chromium: z.string().nullable(),
  sqlite: z.string(),
  platform: z.string(),
  transport: z.enum(['electron', 'web']),
  ffmpeg: ToolInfo.nullable(),
  ffprobe: ToolInfo.nullable(),
  ffmpegProblem: z.string().nullable(),
  configDir: z.string()
})
export type AppInfo = z.infer<typeof AppInfo>
