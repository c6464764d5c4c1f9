// Contract section: Cameras, video files, HLS playback and calibration (issue 4).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/video.ts. Every request and response is a zod schema.
import type { ContractSection } from './section'

export const videoContract = {} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const videoJobResults = {} as const
