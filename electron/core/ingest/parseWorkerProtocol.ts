// Messages between the importing thread and the parse worker, validated on arrival.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ImportIssue, TimeDecisionsSchema } from '@shared/ingestModel'
import { LEVELS } from '../timeline/aggregates'
import { batchShapeError } from './rowBatches'

export const ParseWorkerRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    path: z.string(),
    fileName: z.string(),
    importerId: z.string(),
    sourceId: z.number().int(),
    maxIssues: z.number().int(),
    window: z.number().int().positive(),
    time: z.object({
      timeZone: z.string(),
      explicitYear: z.number().int().nullable(),
      fileMtimeUs: z.number().nullable(),
      offsetUs: z.number()
    })
  }),
  z.object({ type: z.literal('ack') }),
  z.object({ type: z.literal('cancel') })
])
export type ParseWorkerRequest = z.infer<typeof ParseWorkerRequest>

// Rows are checked for shape (sizes that agree), not value by value: SQLite's binding
// refuses anything but strings, numbers and null anyway.
const RowBatchSchema = z
  .object({
    count: z.number().int().nonnegative(),
    numbers: z.instanceof(Float64Array),
    textLengths: z.instanceof(Int32Array),
    texts: z.array(z.array(z.string())),
    issues: z.array(ImportIssue),
    badCount: z.number().int(),
    invalidUtf8: z.number().int(),
    first: z.number().nullable(),
    last: z.number().nullable(),
    bytesDone: z.number(),
    agg: z.object({
      cells: z.array(z.object({ category: z.string(), location: z.string().nullable(), n: z.number().int(), f: z.number().int(), first: z.number(), last: z.number() })),
      // Flat quadruples, checked for shape like rows; the writer checks each cell index.
      buckets: z
        .array(z.custom<Float64Array<ArrayBuffer>>((v) => v instanceof Float64Array && v.length % 4 === 0, 'bucket counts must be quadruples'))
        .length(LEVELS.length)
    })
  })
  .superRefine((b, ctx) => {
    const error = batchShapeError(b)
    if (error) ctx.addIssue({ code: 'custom', message: error })
  })

export const ParseWorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('batch'), batch: RowBatchSchema }),
  z.object({ type: z.literal('end'), decisions: TimeDecisionsSchema, notes: z.array(z.string()) }),
  z.object({ type: z.literal('error'), message: z.string() })
])
export type ParseWorkerMessage = z.infer<typeof ParseWorkerMessage>

/** The built parse worker, or null when running from sources without a build. */
export function parseWorkerPath(): string | null {
  const candidates = [join(__dirname, 'parseWorker.js'), join(__dirname, '..', 'parseWorker.js'), join(__dirname, '..', '..', '..', 'out', 'main', 'parseWorker.js')]
  return candidates.find((c) => existsSync(c)) ?? null
}
