// Handlers for the calls in shared/contracts/exports.ts.
import type { exportsContract } from '@shared/contracts/exports'
import type { AreaHandlers, WorkbenchContext } from '../context'

export function exportsHandlers(ctx: WorkbenchContext): AreaHandlers<typeof exportsContract> {
  void ctx
  return {}
}
