// Turns anything thrown inside the core into the contract's error body, with a message
// that tells the user what to do.
import { ZodError, z } from 'zod'
import type { ApiErrorBody } from '@shared/contract'
import { CaseError } from '../case/caseFolder'
import { SchemaTooNewError } from '../case/database'
import { SettingsError } from '../settings/settingsStore'

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorBody['code'],
    message: string
  ) {
    super(message)
  }
}

export function toApiError(err: unknown): ApiErrorBody {
  if (err instanceof ApiError) return { code: err.code, message: err.message }
  if (err instanceof CaseError) return { code: err.code, message: err.message }
  if (err instanceof SettingsError) return { code: 'BAD_REQUEST', message: err.message }
  if (err instanceof SchemaTooNewError) return { code: 'CONFLICT', message: err.message }
  if (err instanceof ZodError) return { code: 'BAD_REQUEST', message: `Invalid request: ${z.prettifyError(err)}` }
  const message = err instanceof Error ? err.message : String(err)
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` }
}
