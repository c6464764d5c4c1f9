// Messages between the core and the import worker thread, validated on arrival on both
// sides like every other process boundary.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { ImportReport } from '@shared/ingestModel'
import { MappingProfile } from '@shared/mappingProfile'

export const WorkerRequest = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    caseDir: z.string(),
    evidenceId: z.number().int(),
    examiner: z.string(),
    format: z.string().nullable(),
    /** Read with this mapping profile (validated again here) instead of a format. */
    mapping: MappingProfile.nullable(),
    timeZone: z.string().nullable(),
    year: z.number().int().nullable(),
    offsetUs: z.number().int(),
    sqliteBinding: z.string().nullable()
  }),
  z.object({ type: z.literal('cancel') })
])
export type WorkerRequest = z.infer<typeof WorkerRequest>

export const WorkerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), bytesDone: z.number(), bytesTotal: z.number(), events: z.number(), bad: z.number() }),
  z.object({ type: z.literal('done'), reports: z.array(ImportReport) }),
  z.object({ type: z.literal('error'), message: z.string() })
])
export type WorkerMessage = z.infer<typeof WorkerMessage>

/**
 * The built worker script. Bundled code may sit in out/main or out/main/chunks; tests that
 * run the TypeScript sources use the built copy under out/main.
 */
export function importWorkerPath(): string {
  const candidates = [
    process.env.IWB_IMPORT_WORKER ?? '',
    join(__dirname, 'importWorker.js'),
    join(__dirname, '..', 'importWorker.js'),
    join(__dirname, '..', '..', '..', 'out', 'main', 'importWorker.js')
  ]
  const found = candidates.find((c) => c && existsSync(c))
  if (!found) throw new Error('The import worker is not built. Run `npm run build`.')
  return found
}
