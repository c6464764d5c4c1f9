// Handlers for the calls in shared/contracts/correlation.ts.
import type { correlationContract } from '@shared/contracts/correlation'
import type { AreaHandlers, WorkbenchContext } from '../context'

export function correlationHandlers(ctx: WorkbenchContext): AreaHandlers<typeof correlationContract> {
  void ctx
  return {}
}
