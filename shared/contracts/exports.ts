// Contract section: Evidence-package export and the access-audit report (issue 6).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/exports.ts. Every request and response is a zod schema.
import { z } from 'zod'
import type { ContractSection } from './section'

const JobStarted = z.object({ jobId: z.string() })
const IsoTime = z.string().max(40)
const Hex64 = z.string().regex(/^[0-9a-f]{64}$/)

/** Mon–Fri 07:00–19:00 unless the examiner says otherwise; judged in the case's zone. */
export const WorkingHours = z
  .object({
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    days: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5]),
    start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time such as 07:00').default('07:00'),
    end: z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'a time such as 19:00').default('19:00')
  })
  .strict()
export type WorkingHours = z.infer<typeof WorkingHours>

export const ExportKind = z.enum(['evidence', 'access-audit'])
export type ExportKind = z.infer<typeof ExportKind>

/** What the examiner picks in the Export view (and the CLI flags map onto). */
export const ExportRequest = z
  .object({
    kind: ExportKind.default('evidence'),
    /** Time range; null on both ends = the whole case. `to` is exclusive. */
    from: IsoTime.nullable().default(null),
    to: IsoTime.nullable().default(null),
    /** null or empty: every source. */
    sourceIds: z.array(z.number().int().positive()).max(10_000).nullable().default(null),
    /** Camera names whose clips are cut for the range (empty: no clips). */
    cameras: z.array(z.string().min(1).max(200)).max(500).default([]),
    /** Only events that carry a tag or a bookmark. */
    taggedOnly: z.boolean().default(false),
    /** Only the events of confirmed findings (with taggedOnly: either). */
    findingsOnly: z.boolean().default(false),
    /** Include the findings section (when findings are recorded). */
    findings: z.boolean().default(true),
    /** Access audit: locations, each matched exactly or as a prefix; empty = every door. */
    areas: z.array(z.string().min(1).max(500)).max(500).default([]),
    workingHours: WorkingHours.default({ days: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' }),
    recipient: z.string().max(2000).default(''),
    purpose: z.string().max(2000).default(''),
    format: z.enum(['zip', 'folder']).default('zip'),
    /** Desktop only; null = the case's exports/ folder (always so in the browser). */
    outputDir: z.string().min(1).max(4096).nullable().default(null),
    /** File or folder name of the bag inside outputDir; default export-<UTC stamp>. */
    name: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._ -]*$/, 'a plain file name (letters, digits, . _ - and spaces)')
      .nullable()
      .default(null)
  })
  .strict()
export type ExportRequest = z.infer<typeof ExportRequest>

/** What an export job delivers. */
export const ExportJobResult = z.object({
  exportId: z.string(),
  kind: ExportKind,
  path: z.string(),
  format: z.enum(['directory', 'zip']),
  originals: z.number().int().nonnegative(),
  events: z.number().int().nonnegative(),
  sources: z.number().int().nonnegative(),
  clips: z.number().int().nonnegative(),
  payloadFiles: z.number().int().nonnegative(),
  payloadBytes: z.number().nonnegative(),
  tagManifestSha256: Hex64,
  signer: z.object({ examiner: z.string(), fingerprint: Hex64, keyCreated: z.boolean() }),
  /** Leftovers of interrupted exports removed before this one started. */
  interruptedRemoved: z.number().int().nonnegative(),
  notes: z.array(z.string())
})
export type ExportJobResult = z.infer<typeof ExportJobResult>

export const BagProblem = z.object({ kind: z.string(), file: z.string(), message: z.string() })

/** The bag verifier's report (the same one `iwb verify <bag>` prints). */
export const BagVerifyResult = z.object({
  ok: z.boolean(),
  bag: z.string(),
  format: z.enum(['directory', 'zip']),
  checkedAt: z.string(),
  exportId: z.string().nullable(),
  payloadFiles: z.number().int().nonnegative(),
  payloadBytes: z.number().nonnegative(),
  bytesHashed: z.number().nonnegative(),
  custodyLength: z.number().int().nonnegative(),
  signer: z.object({ examiner: z.string().nullable(), fingerprint: z.string(), valid: z.boolean() }).nullable(),
  problems: z.array(BagProblem)
})
export type BagVerifyResult = z.infer<typeof BagVerifyResult>

/** One finished export, from the case's custody log (export.completed). */
export const ExportListItem = z.object({
  exportId: z.string(),
  kind: ExportKind,
  path: z.string(),
  format: z.enum(['directory', 'zip']),
  /** false when the bag has been moved or deleted since. */
  exists: z.boolean(),
  /** Bytes on disk now (null when missing). */
  size: z.number().nonnegative().nullable(),
  completedAt: z.string(),
  examiner: z.string(),
  recipient: z.string(),
  purpose: z.string(),
  tagManifestSha256: Hex64,
  signerFingerprint: Hex64
})
export type ExportListItem = z.infer<typeof ExportListItem>

export const exportsContract = {
  /** Starts an export job (job kind "export"); progress in bytes and files, cancellable. */
  'export.start': { request: ExportRequest, response: JobStarted },
  /** Finished exports of the open case, newest first. */
  'export.list': { request: z.object({}).strict(), response: z.array(ExportListItem) },
  /** Runs the bag verifier on a finished export (job kind "exportVerify"). */
  'export.verify': {
    request: z.object({ exportId: z.string().min(1).max(100), expectedFingerprint: Hex64.nullable().default(null) }).strict(),
    response: JobStarted
  }
} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const exportsJobResults = {
  export: ExportJobResult,
  exportVerify: BagVerifyResult
} as const
