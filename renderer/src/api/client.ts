// The typed client of the shared contract. Every response and event is validated against
// its schema before the UI sees it; long jobs resolve with their typed result.
import {
  contract,
  Envelope,
  jobResults,
  ServerEvent,
  type ApiErrorBody,
  type JobKind,
  type JobProgress,
  type JobResult,
  type Method,
  type Request,
  type Response
} from '@shared/contract'
import { pickTransport, type Transport } from './transport'

export class ApiCallError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message)
  }
}

export class JobCancelled extends Error {
  constructor() {
    super('Cancelled.')
  }
}

type Waiter = { resolve: (value: unknown) => void; reject: (err: Error) => void; onProgress?: (p: JobProgress) => void; kind: JobKind }

export class ApiClient {
  private readonly waiters = new Map<string, Waiter>()
  /** Events for jobs whose id the caller has not received yet (a fast job can finish first). */
  private readonly early = new Map<string, ServerEvent[]>()
  private readonly listeners = new Set<(e: ServerEvent) => void>()

  constructor(readonly transport: Transport) {
    transport.subscribe((raw) => {
      const parsed = ServerEvent.safeParse(raw)
      if (parsed.success) this.dispatch(parsed.data)
    })
  }

  async call<M extends Method>(method: M, params: Request<M>): Promise<Response<M>> {
    const raw = await this.transport.invoke(method, params)
    const envelope = Envelope.parse(raw)
    if (!envelope.ok) throw new ApiCallError(envelope.error)
    return contract[method].response.parse(envelope.result) as Response<M>
  }

  onEvent(listener: (e: ServerEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Waits for a started job and returns its validated result. */
  waitForJob<K extends JobKind>(jobId: string, kind: K, onProgress?: (p: JobProgress) => void): Promise<JobResult<K>> {
    return new Promise<JobResult<K>>((resolve, reject) => {
      this.waiters.set(jobId, { resolve: resolve as (v: unknown) => void, reject, onProgress, kind })
      const pending = this.early.get(jobId) ?? []
      this.early.delete(jobId)
      for (const e of pending) this.dispatch(e)
    })
  }

  cancelJob(jobId: string): Promise<{ cancelled: boolean }> {
    return this.call('jobs.cancel', { jobId })
  }

  private dispatch(event: ServerEvent): void {
    for (const l of this.listeners) l(event)
    if (event.type === 'case.changed') return
    const waiter = this.waiters.get(event.jobId)
    if (!waiter) {
      const list = this.early.get(event.jobId) ?? []
      if (list.length < 100) list.push(event)
      this.early.set(event.jobId, list)
      return
    }
    switch (event.type) {
      case 'job.progress':
        waiter.onProgress?.(event)
        return
      case 'job.done': {
        this.waiters.delete(event.jobId)
        const parsed = jobResults[waiter.kind].safeParse(event.result)
        if (parsed.success) waiter.resolve(parsed.data)
        else waiter.reject(new Error('The job finished with a result this app does not understand.'))
        return
      }
      case 'job.failed':
        this.waiters.delete(event.jobId)
        waiter.reject(new ApiCallError(event.error))
        return
      case 'job.cancelled':
        this.waiters.delete(event.jobId)
        waiter.reject(new JobCancelled())
        return
    }
  }
}

let client: ApiClient | null = null
export function api(): ApiClient {
  client ??= new ApiClient(pickTransport())
  return client
}
