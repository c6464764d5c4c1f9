// Contract section: Bookmarks, tags, notes, lanes and saved views on the timeline (issue 5).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/annotations.ts. Every request and response is a zod schema.
import type { ContractSection } from './section'

export const annotationsContract = {} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const annotationsJobResults = {} as const
