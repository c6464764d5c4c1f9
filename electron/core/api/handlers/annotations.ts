// Handlers for the calls in shared/contracts/annotations.ts.
import type { annotationsContract } from '@shared/contracts/annotations'
import type { AreaHandlers, WorkbenchContext } from '../context'

export function annotationsHandlers(ctx: WorkbenchContext): AreaHandlers<typeof annotationsContract> {
  void ctx
  return {}
}
