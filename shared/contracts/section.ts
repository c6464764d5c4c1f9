// The shape of one area's part of the contract: method name → request and response schema.
import type { z } from 'zod'

export type ContractSection = Record<string, { request: z.ZodType; response: z.ZodType }>
