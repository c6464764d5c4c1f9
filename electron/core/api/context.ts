// What an area's handlers may use of the Workbench: the open case, the job manager, the
// settings, the write queue and the event stream. Handlers live in ./handlers/<area>.ts.
import type { Method, ParsedRequest, Response, ServerEvent } from '@shared/contract'
import type { CaseFolder } from '../case/caseFolder'
import type { SettingsStore } from '../settings/settingsStore'
import type { JobManager } from './jobs'

export interface WorkbenchContext {
  readonly settings: SettingsStore
  readonly jobs: JobManager
  /** The open case; throws NO_CASE when none is open. */
  requireCase(): CaseFolder
  /** Runs `work` after every write job queued before it has finished (SQLite has one writer). */
  exclusive<T>(work: () => Promise<T>): Promise<T>
  emit(event: ServerEvent): void
  /** Tells every client the case summary changed (counts, sources, …). */
  emitCaseChanged(): void
}

/** The handlers of the methods in `section` (one area's part of the contract). */
export type AreaHandlers<Section> = {
  [M in keyof Section & Method]: (params: ParsedRequest<M>) => Promise<Response<M>> | Response<M>
}
