// Long work (intake, verification, later imports, transcodes and exports) runs as a job:
// it gets an id at once, reports progress (bytes, items, rate, ETA) at most a few times
// a second, can be cancelled, and ends with exactly one done / failed / cancelled event.
import { randomUUID } from 'node:crypto'
import type { ApiErrorBody, JobKind, ServerEvent } from '@shared/contract'
import { CancelledError } from '../util/fileHash'

const PROGRESS_INTERVAL_MS = 200

export interface JobReporter {
  readonly signal: AbortSignal
  addBytes(n: number): void
  setItems(done: number, total?: number | null): void
  setTotals(bytesTotal: number | null, itemsTotal: number | null): void
  setLabel(label: string): void
}

type Emit = (event: ServerEvent) => void

interface RunningJob {
  controller: AbortController
  kind: JobKind
}

export class JobManager {
  private readonly running = new Map<string, RunningJob>()

  constructor(
    private readonly emit: Emit,
    private readonly toError: (err: unknown) => ApiErrorBody
  ) {}

  start<T>(kind: JobKind, label: string, work: (reporter: JobReporter) => Promise<T>): string {
    const jobId = randomUUID()
    const controller = new AbortController()
    this.running.set(jobId, { controller, kind })
    const started = Date.now()
    let bytesDone = 0
    let bytesTotal: number | null = null
    let itemsDone = 0
    let itemsTotal: number | null = null
    let currentLabel = label
    let lastSent = 0

    const send = (force: boolean): void => {
      const now = Date.now()
      if (!force && now - lastSent < PROGRESS_INTERVAL_MS) return
      lastSent = now
      const seconds = Math.max((now - started) / 1000, 0.001)
      const rate = bytesDone / seconds
      const eta = bytesTotal !== null && rate > 0 ? Math.max(bytesTotal - bytesDone, 0) / rate : null
      this.emit({
        type: 'job.progress',
        jobId,
        kind,
        label: currentLabel,
        bytesDone,
        bytesTotal,
        itemsDone,
        itemsTotal,
        bytesPerSecond: rate,
        etaSeconds: eta
      })
    }

    const reporter: JobReporter = {
      signal: controller.signal,
      addBytes(n) {
        bytesDone += n
        send(false)
      },
      setItems(done, total) {
        itemsDone = done
        if (total !== undefined) itemsTotal = total
        send(false)
      },
      setTotals(b, i) {
        bytesTotal = b
        itemsTotal = i
        send(true)
      },
      setLabel(l) {
        currentLabel = l
        send(false)
      }
    }

    // Start on the next turn so the caller can hand out the id before the first event.
    setImmediate(() => {
      send(true)
      work(reporter)
        .then((result) => {
          send(true)
          this.emit({ type: 'job.done', jobId, kind, result })
        })
        .catch((err: unknown) => {
          if (err instanceof CancelledError || controller.signal.aborted) this.emit({ type: 'job.cancelled', jobId, kind })
          else this.emit({ type: 'job.failed', jobId, kind, error: this.toError(err) })
        })
        .finally(() => this.running.delete(jobId))
    })
    return jobId
  }

  cancel(jobId: string): boolean {
    const job = this.running.get(jobId)
    if (!job) return false
    job.controller.abort()
    return true
  }

  cancelAll(): void {
    for (const job of this.running.values()) job.controller.abort()
  }

  get activeCount(): number {
    return this.running.size
  }

  /** Resolves when no job is running (used before closing a case or the process). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await new Promise((r) => setTimeout(r, 20))
  }
}
