// Handlers for the calls in shared/contracts/exports.ts: an export as a job with progress
// and cancel, the list of finished exports (from custody), and a bag verification job.
import { join, resolve } from 'node:path'
import type { ExportJobResult, ExportRequest } from '@shared/contracts/exports'
import type { exportsContract } from '@shared/contracts/exports'
import { appendCustody } from '../../case/custody'
import { OutputExistsError } from '../../export/bagSink'
import { verifyBag } from '../../export/bagVerifier'
import { bagOutputPath, exportBag, ExportInputError, ExportIntegrityError } from '../../export/bagWriter'
import { listExports } from '../../export/exportList'
import { cleanInterruptedExports } from '../../export/interruptedExports'
import { locateTools } from '../../media/ffmpegLocator'
import type { AreaHandlers, WorkbenchContext } from '../context'
import { ApiError } from '../errors'

function defaultName(kind: ExportRequest['kind']): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  return `${kind === 'access-audit' ? 'access-audit' : 'export'}-${stamp}`
}

/** Export errors as the contract's error codes, each saying what to do. */
function asApiError(err: unknown): unknown {
  if (err instanceof ExportInputError) return new ApiError('BAD_REQUEST', err.message)
  if (err instanceof OutputExistsError) return new ApiError('CONFLICT', err.message)
  if (err instanceof ExportIntegrityError) return new ApiError('INTEGRITY', err.message)
  return err
}

export function exportsHandlers(ctx: WorkbenchContext): AreaHandlers<typeof exportsContract> {
  return {
    'export.start': async (req) => {
      const folder = ctx.requireCase()
      const settings = ctx.settings.get()
      const examiner = settings.examinerName
      const dir = req.outputDir ? resolve(req.outputDir) : folder.layout.exports
      const out = bagOutputPath(resolve(dir, req.name ?? defaultName(req.kind)), req.format === 'zip')
      const ffmpegPath = req.cameras.length > 0 ? ((await locateTools(settings)).ffmpeg?.path ?? null) : null
      const label = req.kind === 'access-audit' ? 'Access audit' : 'Export'
      const jobId = ctx.jobs.start('export', `${label} to ${out}`, (job) =>
        ctx.exclusive(async (): Promise<ExportJobResult> => {
          let lastBytes = 0
          let lastTotal = -1
          try {
            const r = await exportBag(folder, {
              out,
              zip: req.format === 'zip',
              kind: req.kind,
              from: req.from,
              to: req.to,
              sourceIds: req.sourceIds,
              taggedOnly: req.taggedOnly,
              findingsOnly: req.findingsOnly,
              cameras: req.cameras,
              findings: req.findings,
              areas: req.areas,
              workingHours: req.workingHours,
              recipient: req.recipient,
              purpose: req.purpose,
              examiner,
              // The signing key lives with this workstation's settings, outside the case.
              keysDir: join(ctx.settings.dir, 'keys'),
              ffmpegPath,
              signal: job.signal,
              onProgress: (p) => {
                if (p.bytesTotal !== lastTotal) {
                  lastTotal = p.bytesTotal
                  job.setTotals(p.bytesTotal, p.phase === 'originals' ? p.itemsTotal : null)
                }
                if (p.bytesDone > lastBytes) {
                  job.addBytes(p.bytesDone - lastBytes)
                  lastBytes = p.bytesDone
                }
                if (p.phase === 'originals') job.setItems(p.itemsDone)
                job.setLabel(
                  p.phase === 'originals'
                    ? `${label}: copying and re-hashing originals${p.current ? ` (${p.current})` : ''}`
                    : p.phase === 'events'
                      ? `${label}: writing events (${p.itemsDone})`
                      : p.phase === 'report'
                        ? `${label}: writing the report`
                        : `${label}: manifests and signature`
                )
              }
            })
            ctx.emitCaseChanged()
            return {
              exportId: r.exportId,
              kind: r.kind,
              path: r.path,
              format: r.format,
              originals: r.originals,
              events: r.events,
              sources: r.sources,
              clips: r.clips,
              payloadFiles: r.payloadFiles,
              payloadBytes: r.payloadBytes,
              tagManifestSha256: r.tagManifestSha256,
              signer: r.signer,
              interruptedRemoved: r.interruptedRemoved,
              notes: r.notes
            }
          } catch (err) {
            ctx.emitCaseChanged() // custody records the failure or cancel
            throw asApiError(err)
          }
        })
      )
      return { jobId }
    },

    'export.list': () => {
      const folder = ctx.requireCase()
      // Opening the Export view is also a moment to clear what an interrupted export left.
      if (cleanInterruptedExports(folder, ctx.settings.get().examinerName).length > 0) ctx.emitCaseChanged()
      return listExports(folder.db)
    },

    'export.verify': ({ exportId, expectedFingerprint }) => {
      const folder = ctx.requireCase()
      const item = listExports(folder.db).find((e) => e.exportId === exportId)
      if (!item) throw new ApiError('NOT_FOUND', `There is no finished export ${exportId} in this case; the Export view lists them.`)
      if (!item.exists) throw new ApiError('NOT_FOUND', `The export ${exportId} is no longer at ${item.path}. Verify the moved copy with \`iwb verify <path>\`.`)
      const examiner = ctx.settings.get().examinerName
      const jobId = ctx.jobs.start('exportVerify', `Verifying ${item.path}`, async (job) => {
        job.setTotals(item.size, null)
        const report = await verifyBag(item.path, {
          signal: job.signal,
          onBytes: (n) => job.addBytes(n),
          expectedFingerprint: expectedFingerprint ?? item.signerFingerprint
        })
        // The check itself is part of the case's history.
        await ctx.exclusive(async () => {
          folder.db.transaction(() =>
            appendCustody(folder.db, {
              examiner,
              action: 'export.verified',
              object: `export ${exportId}`,
              details: { exportId, path: item.path, ok: report.ok, problems: report.problems.length, checkedAt: report.checkedAt }
            })
          )()
        })
        ctx.emitCaseChanged()
        return report
      })
      return { jobId }
    }
  }
}
