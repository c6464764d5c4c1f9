// The contract's one implementation. Both transports (Electron IPC and the web host)
// hand every call to Workbench.call, which validates the request against the contract,
// runs the handler and validates the response before it leaves.
import { stat } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import {
  contract,
  isMethod,
  type Envelope,
  type Method,
  type ParsedRequest,
  type Response,
  type ServerEvent
} from '@shared/contract'
import type { AcquireOutcome, AcquireResult, AppInfo } from '@shared/model'
import { z } from 'zod'
import { TOOL_NAME, TOOL_VERSION } from '../appIdentity'
import { CaseFolder } from '../case/caseFolder'
import { listCustody } from '../case/custody'
import { sqliteVersion } from '../case/database'
import { listEvidence } from '../case/evidence'
import { acquireEvidence, type IntakeSource } from '../case/intake'
import { verifyCase } from '../case/verify'
import { locateTools } from '../media/ffmpegLocator'
import { SettingsStore } from '../settings/settingsStore'
import { ApiError, toApiError } from './errors'
import { JobManager } from './jobs'

type Handlers = { [M in Method]: (params: ParsedRequest<M>) => Promise<Response<M>> | Response<M> }

export interface WorkbenchOptions {
  transport: AppInfo['transport']
  settings?: SettingsStore
}

export class Workbench {
  readonly settings: SettingsStore
  readonly jobs: JobManager
  private folder: CaseFolder | null = null
  private readonly listeners = new Set<(event: ServerEvent) => void>()
  private readonly handlers: Handlers

  constructor(private readonly options: WorkbenchOptions) {
    this.settings = options.settings ?? new SettingsStore()
    this.jobs = new JobManager((e) => this.emit(e), toApiError)
    this.handlers = this.buildHandlers()
  }

  /** Validates and runs one call. Never throws: failures come back as an error envelope. */
  async call(method: unknown, params: unknown): Promise<Envelope> {
    if (!isMethod(method)) return { ok: false, error: { code: 'BAD_REQUEST', message: `Unknown method ${JSON.stringify(method)}.` } }
    const spec = contract[method]
    const parsed = spec.request.safeParse(params ?? {})
    if (!parsed.success) {
      return { ok: false, error: { code: 'BAD_REQUEST', message: `Invalid request for ${method}: ${z.prettifyError(parsed.error)}` } }
    }
    try {
      const handler = this.handlers[method] as (p: unknown) => Promise<unknown> | unknown
      const result = spec.response.parse(await handler(parsed.data))
      return { ok: true, result }
    } catch (err) {
      return { ok: false, error: toApiError(err) }
    }
  }

  onEvent(listener: (event: ServerEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  get currentCase(): CaseFolder | null {
    return this.folder
  }

  openCase(dir: string): CaseFolder {
    this.assertNoJobs('open another case')
    const folder = CaseFolder.open(dir)
    this.folder?.close()
    this.folder = folder
    this.settings.rememberCase(folder.dir, folder.info().name)
    this.emitCaseChanged()
    return folder
  }

  /** Starts an intake job over several files; used by evidence.acquire and by browser uploads. */
  startAcquire(sources: IntakeSource[], note: string, kind: 'acquire' | 'upload' = 'acquire', cleanup?: () => Promise<void>): string {
    const folder = this.requireCase()
    const examiner = this.settings.get().examinerName
    return this.jobs.start(kind, `Acquiring ${sources.length} file${sources.length === 1 ? '' : 's'}`, async (job) => {
      try {
        const sizes = await Promise.all(sources.map((s) => stat(s.path).then((st) => st.size, () => 0)))
        job.setTotals(sizes.reduce((a, b) => a + b, 0), sources.length)
        const items: AcquireOutcome[] = []
        for (const [i, source] of sources.entries()) {
          job.setLabel(`Acquiring ${source.originalName ?? source.path}`)
          items.push(await acquireEvidence(folder, source, { examiner, note, signal: job.signal, onBytes: (n) => job.addBytes(n) }))
          job.setItems(i + 1)
          this.emitCaseChanged()
        }
        const result: AcquireResult = { items }
        return result
      } finally {
        await cleanup?.()
      }
    })
  }

  close(): void {
    this.jobs.cancelAll()
    this.folder?.close()
    this.folder = null
  }

  private emit(event: ServerEvent): void {
    for (const l of this.listeners) l(event)
  }

  private emitCaseChanged(): void {
    this.emit({ type: 'case.changed', summary: this.folder?.summary() ?? null })
  }

  private requireCase(): CaseFolder {
    if (!this.folder) throw new ApiError('NO_CASE', 'No case is open. Create or open a case first.')
    return this.folder
  }

  private assertNoJobs(what: string): void {
    if (this.jobs.activeCount > 0) {
      throw new ApiError('CONFLICT', `A job is still running. Wait for it to finish or cancel it before you ${what}.`)
    }
  }

  private buildHandlers(): Handlers {
    return {
      'app.info': async () => {
        const tools = await locateTools(this.settings.get())
        const versions = process.versions as NodeJS.ProcessVersions & { electron?: string; chrome?: string }
        return {
          appName: TOOL_NAME,
          appVersion: TOOL_VERSION,
          node: versions.node,
          electron: versions.electron ?? null,
          chromium: versions.chrome ?? null,
          sqlite: sqliteVersion(),
          platform: `${process.platform} ${process.arch}`,
          transport: this.options.transport,
          ffmpeg: tools.ffmpeg,
          ffprobe: tools.ffprobe,
          ffmpegProblem: tools.problem,
          configDir: this.settings.dir
        }
      },
      'settings.get': () => this.settings.get(),
      'settings.update': (patch) => this.settings.update(patch).after,

      'case.create': ({ dir, name, examiner, timeZone }) => {
        this.assertNoJobs('create a case')
        const settings = this.settings.get()
        const folder = CaseFolder.create(resolve(dir), {
          name,
          examiner: examiner ?? settings.examinerName,
          organisation: settings.organisation,
          timeZone: timeZone ?? settings.defaultTimeZone
        })
        this.folder?.close()
        this.folder = folder
        this.settings.rememberCase(folder.dir, name)
        this.emitCaseChanged()
        return folder.summary()
      },
      'case.open': ({ dir }) => this.openCase(resolve(dir)).summary(),
      'case.close': () => {
        this.assertNoJobs('close the case')
        const had = this.folder !== null
        this.folder?.close()
        this.folder = null
        this.emitCaseChanged()
        return { closed: had }
      },
      'case.current': () => this.folder?.summary() ?? null,
      'case.recent': () => this.settings.recent().map((r) => ({ ...r, exists: existsSync(resolve(r.dir, 'case.db')) })),
      'case.setTimeZone': ({ timeZone, reason }) => {
        const folder = this.requireCase()
        folder.setTimeZone(timeZone, this.settings.get().examinerName, reason)
        this.emitCaseChanged()
        return folder.summary()
      },
      'case.verify': () => {
        const folder = this.requireCase()
        const examiner = this.settings.get().examinerName
        const jobId = this.jobs.start('verify', 'Verifying case', async (job) => {
          const items = listEvidence(folder.db)
          job.setTotals(
            items.reduce((a, i) => a + i.size, 0),
            items.length
          )
          const report = await verifyCase(folder, {
            signal: job.signal,
            onBytes: (n) => job.addBytes(n),
            onItem: (done) => job.setItems(done),
            record: { examiner }
          })
          this.emitCaseChanged()
          return report
        })
        return { jobId }
      },

      'evidence.list': () => listEvidence(this.requireCase().db),
      'evidence.acquire': ({ paths, note }) => ({
        jobId: this.startAcquire(
          paths.map((p) => ({ path: resolve(p), acquiredVia: 'file' as const })),
          note
        )
      }),

      'custody.list': ({ afterSeq, limit }) => listCustody(this.requireCase().db, afterSeq, limit),

      'jobs.cancel': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) })
    }
  }
}
