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
import { Worker } from 'node:worker_threads'
import { importers } from '../ingest/registry'
import { previewImport } from '../ingest/preview'
import { rederiveSource } from '../ingest/rederive'
import { parseClockOffset } from '../ingest/timeResolve'
import { importWorkerPath, WorkerMessage, type WorkerRequest } from '../ingest/importWorkerProtocol'
import { createMappedImporter, listProfiles, mappingProfilesDir, saveProfile, suggestMappingForFile } from '../ingest/mapping'
import { evidenceById } from '../case/evidence'
import { getEvent, listSources, originalBytes, queryEvents } from '../timeline/eventQuery'
import { timelineExtent, timelineHistogram } from '../timeline/timelineApi'
import type { ImportReport } from '@shared/ingestModel'
import type { WorkbenchContext } from './context'
import { videoHandlers } from './handlers/video'
import { annotationsHandlers } from './handlers/annotations'
import { exportsHandlers } from './handlers/exports'
import { correlationHandlers } from './handlers/correlation'
import { cleanInterruptedExportsQuietly } from '../export/interruptedExports'

type Handlers = { [M in Method]: (params: ParsedRequest<M>) => Promise<Response<M>> | Response<M> }

export interface WorkbenchOptions {
  transport: AppInfo['transport']
  settings?: SettingsStore
}

export class Workbench implements WorkbenchContext {
  readonly settings: SettingsStore
  readonly jobs: JobManager
  private folder: CaseFolder | null = null
  private readonly listeners = new Set<(event: ServerEvent) => void>()
  private readonly handlers: Handlers
  /** Jobs that write to the case take turns: SQLite has one writer at a time. */
  private writeQueue: Promise<unknown> = Promise.resolve()

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
    cleanInterruptedExportsQuietly(folder, this.settings.get().examinerName) // issue 6: leftovers of killed exports
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
    return this.jobs.start(kind, `Acquiring ${sources.length} file${sources.length === 1 ? '' : 's'}`, (job) => this.exclusive(async () => {
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
    }))
  }

  /** Runs `work` after every write job queued before it has finished. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.writeQueue.then(work, work)
    this.writeQueue = next.catch(() => undefined)
    return next
  }

  /** Runs one import in the worker thread; cancelling the job cancels the worker's import. */
  private importInWorker(request: Omit<Extract<WorkerRequest, { type: 'start' }>, 'type' | 'sqliteBinding'>, signal: AbortSignal, onProgress: (m: Extract<WorkerMessage, { type: 'progress' }>) => void): Promise<ImportReport[]> {
    return new Promise((resolvePromise, reject) => {
      const worker = new Worker(importWorkerPath())
      const onAbort = (): void => worker.postMessage({ type: 'cancel' } satisfies WorkerRequest)
      signal.addEventListener('abort', onAbort)
      const done = (fn: () => void): void => {
        signal.removeEventListener('abort', onAbort)
        void worker.terminate()
        fn()
      }
      worker.on('message', (raw: unknown) => {
        const m = WorkerMessage.safeParse(raw)
        if (!m.success) return done(() => reject(new Error('The import worker sent a malformed message.')))
        if (m.data.type === 'progress') onProgress(m.data)
        else if (m.data.type === 'done') done(() => resolvePromise(m.data.type === 'done' ? m.data.reports : (undefined as never)))
        else done(() => reject(new Error(m.data.type === 'error' ? m.data.message : 'import failed')))
      })
      worker.on('error', (err) => done(() => reject(err)))
      worker.postMessage({ type: 'start', ...request, sqliteBinding: process.env.IWB_SQLITE_BINDING ?? null } satisfies WorkerRequest)
    })
  }

  close(): void {
    this.jobs.cancelAll()
    this.folder?.close()
    this.folder = null
  }

  emit(event: ServerEvent): void {
    for (const l of this.listeners) l(event)
  }

  emitCaseChanged(): void {
    this.emit({ type: 'case.changed', summary: this.folder?.summary() ?? null })
  }

  requireCase(): CaseFolder {
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
      ...videoHandlers(this),
      ...annotationsHandlers(this),
      ...exportsHandlers(this),
      ...correlationHandlers(this),

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
        const jobId = this.jobs.start('verify', 'Verifying case', (job) => this.exclusive(async () => {
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
        }))
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

      'formats.list': () => importers.map((i) => ({ id: i.id, name: i.name, description: i.description })),
      'import.preview': ({ mapping, ...req }) => {
        const mapped = mapping ? createMappedImporter(mapping) : null
        return previewImport(this.requireCase(), {
          ...req,
          offsetUs: parseClockOffset(req.offset),
          ...(mapped ? { format: mapped.id, importers: [mapped] } : {})
        })
      },
      'import.start': (req) => {
        const folder = this.requireCase()
        const offsetUs = parseClockOffset(req.offset)
        const examiner = this.settings.get().examinerName
        const name = listEvidence(folder.db).find((e) => e.id === req.evidenceId)?.originalName ?? `evidence #${req.evidenceId}`
        let lastBytes = 0
        const jobId = this.jobs.start('import', `Importing ${name}`, (job) =>
          this.exclusive(async () => {
            const reports = await this.importInWorker(
              { caseDir: folder.dir, evidenceId: req.evidenceId, examiner, format: req.format, mapping: req.mapping, timeZone: req.timeZone, year: req.year, offsetUs },
              job.signal,
              (p) => {
                job.setTotals(p.bytesTotal, null)
                job.addBytes(p.bytesDone - lastBytes)
                lastBytes = p.bytesDone
                job.setItems(p.events)
              }
            )
            this.emitCaseChanged()
            return reports
          })
        )
        return { jobId }
      },
      'mapping.list': async () => {
        const dir = mappingProfilesDir(this.settings.dir)
        return { dir, ...(await listProfiles(dir)) }
      },
      'mapping.save': async ({ profile, replace }) => {
        const dir = mappingProfilesDir(this.settings.dir)
        if (!replace && existsSync(resolve(dir, `${profile.id}.json`))) {
          throw new ApiError('CONFLICT', `A mapping profile with the id "${profile.id}" is already saved. Choose another name, or replace it.`)
        }
        return { path: await saveProfile(dir, profile), profile }
      },
      'mapping.suggest': async ({ evidenceId }) => {
        const folder = this.requireCase()
        const evidence = evidenceById(folder.db, evidenceId)
        if (!evidence) throw new ApiError('NOT_FOUND', `There is no evidence #${evidenceId} in this case.`)
        try {
          return await suggestMappingForFile(folder.evidencePath(evidence.sha256), evidence.originalName)
        } catch (err) {
          throw new ApiError('BAD_REQUEST', (err as Error).message)
        }
      },
      'sources.list': () => listSources(this.requireCase().db),
      'sources.setTime': (req) => {
        const folder = this.requireCase()
        const examiner = this.settings.get().examinerName
        const change = {
          timeZone: req.timeZone,
          year: req.year,
          offsetUs: req.offset === undefined ? undefined : parseClockOffset(req.offset),
          reason: req.reason
        }
        const jobId = this.jobs.start('retime', `Re-reading times of source #${req.sourceId}`, () =>
          this.exclusive(async () => {
            const summary = await rederiveSource(folder, req.sourceId, change, examiner)
            this.emitCaseChanged()
            return summary
          })
        )
        return { jobId }
      },
      'timeline.extent': () => timelineExtent(this.requireCase().db),
      'timeline.histogram': (q) => timelineHistogram(this.requireCase().db, q),
      'events.query': (f) => queryEvents(this.requireCase().db, f),
      'events.get': async ({ id }) => {
        const folder = this.requireCase()
        const event = getEvent(folder.db, id)
        if (!event) throw new ApiError('NOT_FOUND', `There is no event #${id}.`)
        const limit = 64 * 1024
        const bytes = await originalBytes(folder, event, limit)
        return { event, original: bytes.toString('utf8'), originalTruncated: event.ref.length > limit }
      },

      'jobs.cancel': ({ jobId }) => ({ cancelled: this.jobs.cancel(jobId) })
    }
  }
}
