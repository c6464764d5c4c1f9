// The parse worker: reads and parses one evidence file and streams row batches back, so
// that on two cores parsing and inserting run side by side. It keeps at most a few
// batches in flight (the importer acknowledges each), so memory stays constant.
import { parentPort } from 'node:worker_threads'
import { parseFile } from './parseFile'
import { ParseWorkerRequest, type ParseWorkerMessage } from './parseWorkerProtocol'
import { importerById } from './registry'
import { toRowBatches } from './rowBatches'

const port = parentPort
if (!port) throw new Error('parseWorker must run in a worker thread')
const controller = new AbortController()
const send = (m: ParseWorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer)
let credits = 0
let wake: (() => void) | null = null

port.on('message', (raw: unknown) => {
  const parsed = ParseWorkerRequest.safeParse(raw)
  if (!parsed.success) return send({ type: 'error', message: 'malformed request to the parse worker' })
  const req = parsed.data
  if (req.type === 'cancel') {
    controller.abort()
    wake?.()
    return
  }
  if (req.type === 'ack') {
    credits++
    wake?.()
    return
  }
  credits = req.window
  void run(req).catch((err: unknown) => send({ type: 'error', message: (err as Error).message }))
})

async function run(req: Extract<ParseWorkerRequest, { type: 'start' }>): Promise<void> {
  const importer = importerById(req.importerId)
  if (!importer) throw new Error(`unknown format ${req.importerId}`)
  const parse = parseFile(req.path, importer, { fileName: req.fileName, signal: controller.signal, time: req.time })
  for await (const batch of toRowBatches(parse.chunks, req.sourceId, req.maxIssues)) {
    while (credits <= 0 && !controller.signal.aborted) await new Promise<void>((r) => (wake = r))
    if (controller.signal.aborted) return
    credits--
    // The row buffers move to the importing thread instead of being copied.
    send({ type: 'batch', batch }, [batch.numbers.buffer, batch.textLengths.buffer, ...batch.agg.buckets.map((b) => b.buffer)])
  }
  send({ type: 'end', decisions: parse.resolver.summary(), notes: parse.notes })
}
