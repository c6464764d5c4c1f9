// Contract section: People, places, devices and findings (issue 7).
// Merged into the one contract in shared/contract.ts; implemented by
// electron/core/api/handlers/correlation.ts. Every request and response is a zod schema.
import { z } from 'zod'
import { EventRecord } from '../ingestModel'
import type { ContractSection } from './section'

const Empty = z.object({}).strict()
const JobStarted = z.object({ jobId: z.string() })
const Iso = z.string()

// ---- Rule settings -------------------------------------------------------------------

const HhMm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day such as 07:30')

/** One site: where it is (for impossible travel) and when people work there (rule 3). */
export const SiteSettings = z
  .object({
    timeZone: z.string().min(1).max(64).default('UTC'),
    /** Working hours in the site's zone; end before start means a night shift. */
    workStart: HhMm.default('07:00'),
    workEnd: HhMm.default('19:00'),
    /** Working days, 1 = Monday … 7 = Sunday. */
    workDays: z.array(z.number().int().min(1).max(7)).max(7).default([1, 2, 3, 4, 5]),
    lat: z.number().min(-90).max(90).nullable().default(null),
    lon: z.number().min(-180).max(180).nullable().default(null)
  })
  .strict()
export type SiteSettings = z.infer<typeof SiteSettings>

export const RULE_IDS = ['denied-repeat', 'door-alarm', 'after-hours', 'badge-logon', 'remote-on-site', 'impossible-travel', 'tailgating', 'it-alert-presence', 'camera-gap'] as const
export const RuleId = z.enum(RULE_IDS)
export type RuleId = z.infer<typeof RuleId>

export const RULE_NAMES: Record<RuleId, string> = {
  'denied-repeat': '1 Repeated access denied',
  'door-alarm': '2 Door forced / held / tamper',
  'after-hours': '3 Access outside working hours',
  'badge-logon': '4 Badge and logon disagree',
  'remote-on-site': '5 Remote access while on site',
  'impossible-travel': '6 Impossible travel',
  tailgating: '7 Tailgating signs',
  'it-alert-presence': '8 Who was there at an IT alert',
  'camera-gap': '9 Camera coverage gap'
}

export const RuleSettings = z
  .object({
    enabled: z.partialRecord(RuleId, z.boolean()).default({}),
    /** Rule 1: at least `threshold` denials for one credential or one door within `windowMinutes`. */
    deniedThreshold: z.number().int().min(2).max(1000).default(3),
    deniedWindowMinutes: z.number().min(1).max(1440).default(10),
    /** Rule 2 / 9: how long around a door event a camera should have recorded. */
    cameraWindowSeconds: z.number().int().min(0).max(3600).default(60),
    /** Rule 4: a badge-in (first after `arrivalGapHours` without one) expects a logon within `logonWindowMinutes`. */
    logonWindowMinutes: z.number().min(1).max(1440).default(60),
    arrivalGapHours: z.number().min(1).max(72).default(8),
    /** Rule 4: a console logon expects a badge-in within `badgeLookbackHours` before it. */
    badgeLookbackHours: z.number().min(1).max(72).default(12),
    /** Windows logon types that need a person at the keyboard (2 interactive, 7 unlock, 11 cached interactive). */
    consoleLogonTypes: z.array(z.string().max(4)).max(20).default(['2', '11']),
    /** Rule 5: someone counts as on site for this long after a granted badge. */
    presenceMinutes: z.number().min(1).max(1440).default(120),
    /** Rule 6: faster than this between two places is impossible. */
    maxSpeedKmh: z.number().min(1).max(5000).default(900),
    /** Rule 7: a door opening needs a grant or exit request at that door this many seconds before. */
    tailgateMatchSeconds: z.number().int().min(1).max(600).default(10),
    /** Rule 8: failed logons that make a burst, and the window around an alert. */
    failedBurstThreshold: z.number().int().min(2).max(10_000).default(10),
    failedBurstMinutes: z.number().min(1).max(1440).default(5),
    alertWindowMinutes: z.number().min(1).max(1440).default(30),
    /** Sites by the name badge data gives them (the part of a location before " / "). */
    sites: z.record(z.string().max(200), SiteSettings).default({}),
    /** Working hours for sites not listed in `sites`. */
    defaultSite: SiteSettings.default(SiteSettings.parse({}))
  })
  .strict()
export type RuleSettings = z.infer<typeof RuleSettings>

// ---- Entities ------------------------------------------------------------------------

export const LinkStatus = z.enum(['suggested', 'confirmed', 'rejected'])
export type LinkStatus = z.infer<typeof LinkStatus>

export const IdentityHost = z.object({
  host: z.string().nullable(),
  ip: z.string().nullable(),
  via: z.string(),
  events: z.number().int(),
  firstTs: Iso,
  lastTs: Iso
})
export const Identity = z.object({
  id: z.number().int(),
  value: z.string(),
  kind: z.string(),
  sources: z.array(z.string()),
  events: z.number().int(),
  firstTs: Iso,
  lastTs: Iso,
  hosts: z.array(IdentityHost)
})
export type Identity = z.infer<typeof Identity>

export const PersonLink = z.object({
  identity: Identity,
  status: LinkStatus,
  reason: z.string(),
  score: z.number(),
  decidedAt: Iso.nullable(),
  examiner: z.string().nullable()
})
export type PersonLink = z.infer<typeof PersonLink>

export const Person = z.object({
  id: z.number().int(),
  key: z.string(),
  name: z.string(),
  employeeId: z.string().nullable(),
  cards: z.array(z.string()),
  events: z.number().int(),
  firstTs: Iso,
  lastTs: Iso,
  links: z.array(PersonLink)
})
export type Person = z.infer<typeof Person>

export const Place = z.object({
  kind: z.enum(['site', 'door', 'camera']),
  name: z.string(),
  site: z.string().nullable(),
  location: z.string().nullable(),
  readers: z.array(z.string()),
  events: z.number().int(),
  firstTs: Iso.nullable(),
  lastTs: Iso.nullable(),
  cameras: z.array(z.string())
})
export type Place = z.infer<typeof Place>

export const DeviceProblem = z.object({ kind: z.string(), fromTs: Iso, toTs: Iso, events: z.number().int() })
export const Device = z.object({
  kind: z.string(),
  name: z.string(),
  site: z.string().nullable(),
  events: z.number().int(),
  firstTs: Iso.nullable(),
  lastTs: Iso.nullable(),
  versions: z.array(z.object({ version: z.string(), firstTs: Iso, lastTs: Iso })),
  problems: z.array(DeviceProblem)
})
export type Device = z.infer<typeof Device>

// ---- Findings ------------------------------------------------------------------------

export const Severity = z.enum(['low', 'medium', 'high'])
export type Severity = z.infer<typeof Severity>
export const FindingStatus = z.enum(['open', 'confirmed', 'dismissed'])
export type FindingStatus = z.infer<typeof FindingStatus>

export const Finding = z.object({
  id: z.number().int(),
  rule: RuleId,
  ruleName: z.string(),
  severity: Severity,
  ts: Iso,
  endTs: Iso,
  title: z.string(),
  explanation: z.string(),
  /** Who or what the finding is about: person names, identities, doors, hosts. */
  subjects: z.array(z.string()),
  eventIds: z.array(z.number().int()),
  cameras: z.array(z.string()),
  /** The finding rests on a person ↔ identity link nobody has confirmed yet. */
  unconfirmedLink: z.boolean(),
  status: FindingStatus,
  reason: z.string(),
  decidedAt: Iso.nullable(),
  examiner: z.string().nullable()
})
export type Finding = z.infer<typeof Finding>

export const RunSummary = z.object({
  runId: z.number().int(),
  ms: z.number(),
  perRuleMs: z.record(z.string(), z.number()),
  entitiesMs: z.number(),
  findings: z.number().int(),
  byRule: z.record(z.string(), z.number().int()),
  people: z.number().int(),
  identities: z.number().int()
})
export type RunSummary = z.infer<typeof RunSummary>

const FindingFilter = z
  .object({
    rule: RuleId.nullable().default(null),
    severity: Severity.nullable().default(null),
    status: FindingStatus.nullable().default(null)
  })
  .strict()

export const TimelineStep = z.object({
  eventId: z.number().int(),
  ts: Iso,
  kind: z.enum(['badge', 'logon', 'remote', 'other']),
  action: z.string(),
  outcome: z.string(),
  place: z.string().nullable(),
  via: z.string().nullable(),
  message: z.string()
})
export type TimelineStep = z.infer<typeof TimelineStep>

export const correlationContract = {
  /** People from badge data with their identities (linked or suggested, with the reason). */
  'people.list': {
    request: Empty,
    response: z.object({ people: z.array(Person), unlinked: z.array(Identity) })
  },
  /** Confirm or reject a suggested link (or link by hand); a custody entry either way. */
  'people.link': {
    request: z
      .object({
        personId: z.number().int().positive(),
        identity: z.string().min(1).max(500),
        decision: z.enum(['confirm', 'reject']),
        note: z.string().max(2000).default('')
      })
      .strict(),
    response: PersonLink
  },
  /** Everything one person did across sources, in time order: their badge path and their logons. */
  'people.timeline': {
    request: z.object({ personId: z.number().int().positive(), limit: z.number().int().min(1).max(10_000).default(2000) }).strict(),
    response: z.object({ person: Person, steps: z.array(TimelineStep), truncated: z.boolean() })
  },
  'places.list': { request: Empty, response: z.array(Place) },
  'devices.list': { request: Empty, response: z.array(Device) },
  'findings.list': {
    request: FindingFilter,
    response: z.object({
      findings: z.array(Finding),
      /** Events changed since the rules last ran (an import finished): run them again. */
      stale: z.boolean(),
      lastRunAt: Iso.nullable()
    })
  },
  'findings.get': {
    request: z.object({ id: z.number().int().positive() }).strict(),
    response: z.object({ finding: Finding, events: z.array(EventRecord) })
  },
  /** Rebuilds people, places and devices and runs every enabled rule (job kind "correlate"). */
  'findings.run': { request: Empty, response: JobStarted },
  'findings.decide': {
    request: z
      .object({
        id: z.number().int().positive(),
        decision: z.enum(['confirm', 'dismiss', 'reopen']),
        reason: z.string().max(2000).default('')
      })
      .strict()
      .refine((r) => r.decision !== 'dismiss' || r.reason.trim() !== '', { message: 'say why the finding is dismissed', path: ['reason'] }),
    response: Finding
  },
  'rules.settings': { request: Empty, response: RuleSettings },
  'rules.updateSettings': {
    request: z.object({ settings: RuleSettings, reason: z.string().max(2000).default('') }).strict(),
    response: RuleSettings
  }
} as const satisfies ContractSection

/** The result each of this area's long-running job kinds delivers with `job.done`. */
export const correlationJobResults = { correlate: RunSummary } as const
