// The normalised event every importer produces, as it crosses the API.
import { z } from 'zod'

export const EventCategory = z.enum(['auth', 'access', 'network', 'web', 'system', 'process', 'cloud', 'video', 'other'])
export type EventCategory = z.infer<typeof EventCategory>

export const Outcome = z.enum(['success', 'failure', 'unknown'])
export type Outcome = z.infer<typeof Outcome>

/** Normalised door / badge actions (category "access"). */
export const AccessAction = z.enum([
  'granted',
  'denied',
  'forced-open',
  'held-open',
  'request-to-exit',
  'tailgating',
  'tamper',
  'offline',
  'door-opened',
  'door-closed',
  'other'
])
export type AccessAction = z.infer<typeof AccessAction>
