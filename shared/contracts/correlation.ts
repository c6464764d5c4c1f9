// Contract section: People, places, devices and findings (issue 7).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/correlation.ts. Every request and response is a zod schema.
import type { ContractSection } from './section'

export const correlationContract = {} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const correlationJobResults = {} as const
