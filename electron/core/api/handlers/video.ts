// Handlers for the calls in shared/contracts/video.ts.
import type { videoContract } from '@shared/contracts/video'
import type { AreaHandlers, WorkbenchContext } from '../context'

export function videoHandlers(ctx: WorkbenchContext): AreaHandlers<typeof videoContract> {
  void ctx
  return {}
}
