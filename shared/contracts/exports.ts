// Contract section: Evidence-package export and the access-audit report (issue 6).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/exports.ts. Every request and response is a zod schema.
import type { ContractSection } from './section'

export const exportsContract = {} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const exportsJobResults = {} as const
