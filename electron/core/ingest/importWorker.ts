// The import worker thread: runs the import pipeline on its own database connection so
// parsing and inserting millions of rows never blocks the UI process.
import { parentPort } from 'node:worker_threads'
import { CaseFolder } from '../case/caseFolder'
import { importEvidenceExpanding } from './importAny'
import { createMappedImporter } from './mapping/mappedImporter'
import { WorkerRequest, type WorkerMessage } from './importWorkerProtocol'

const port = parentPort
if (!port) throw new Error('importWorker must run in a worker thread')
const controller = new AbortController()
const send = (m: WorkerMessage): void => port.postMessage(m)

port.on('message', (raw: unknown) => {
  const parsed = WorkerRequest.safeParse(raw)
  if (!parsed.success) return send({ type: 'error', message: 'malformed request to the import worker' })
  const req = parsed.data
  if (req.type === 'cancel') return controller.abort()
  if (req.sqliteBinding) process.env.IWB_SQLITE_BINDING = req.sqliteBinding
  let folder: CaseFolder | null = null
  void (async () => {
    try {
      folder = CaseFolder.open(req.caseDir)
      // A mapping profile becomes the one importer to read with, chosen by the investigator.
      const mapped = req.mapping ? createMappedImporter(req.mapping) : null
      const reports = await importEvidenceExpanding(folder, {
        evidenceId: req.evidenceId,
        examiner: req.examiner,
        format: mapped ? mapped.id : req.format,
        ...(mapped ? { importers: [mapped] } : {}),
        timeZone: req.timeZone,
        year: req.year,
        offsetUs: req.offsetUs,
        signal: controller.signal,
        onProgress: (p) => send({ type: 'progress', ...p })
      })
      send({ type: 'done', reports })
    } catch (err) {
      send({ type: 'error', message: (err as Error).message })
    } finally {
      folder?.close()
    }
  })()
})
