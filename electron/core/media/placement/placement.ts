// Where a video file starts on the UTC timeline, decided from every source of time it has,
// in the issue's order of trust: container creation_time, absolute stream timestamps (.dav),
// the file name, a sidecar (Hikvision index), the investigator's entry. The first source
// that establishes an instant wins; every other source is reported beside it with how far
// it disagrees. Nothing is guessed: a local time with no known zone, or one that happens
// twice on a DST night, leaves the file unplaced with the reason and the candidates.
// The camera clock offset is added on top (corrected = raw + offset) and reported apart.
import { microsToIso } from '@shared/time'
import type { FileNameResult } from './fileNamePatterns'
import {
  describeDuration,
  formatOffsetMinutes,
  formatWallClock,
  isKnownZone,
  isValidWallClock,
  resolveWallClock,
  US_PER_DAY,
  US_PER_MINUTE,
  US_PER_SECOND,
  wallClock,
  wallClockAsIfUtcUs,
  wallClockFromAsIfUtcUs,
  type WallClock
} from './wallClock'

export type PlacementMethod = 'creation-time' | 'stream-timestamps' | 'file-name' | 'sidecar' | 'manual'

/** The issue's order of trust, most trusted first. */
export const TRUST_ORDER: readonly PlacementMethod[] = ['creation-time', 'stream-timestamps', 'file-name', 'sidecar', 'manual']

export const METHOD_LABEL: Record<PlacementMethod, string> = {
  'creation-time': 'container creation_time',
  'stream-timestamps': 'absolute stream timestamps',
  'file-name': 'file name',
  sidecar: 'sidecar index',
  manual: 'investigator’s entry'
}

export interface CameraClock {
  /** IANA zone of the camera's wall clock; null when not yet known. */
  timeZone: string | null
  /** Correction added to the camera's times (µs): negative when the camera clock runs fast. */
  clockOffsetUs: number
  /** Investigator's setting: this camera writes local wall-clock time into creation_time with a Z. */
  creationTimeIsLocal?: boolean
}

export interface PlacementInputs {
  /** Raw container tag text, e.g. `2024-05-03T22:14:03.000000Z` (MP4 creation_time is UTC by spec). */
  creationTime?: string | null
  /**
   * First absolute stream timestamp: the camera's wall clock written as if UTC (ffmpeg's dhav
   * demuxer runs timegm over the DHAV date fields), as epoch µs.
   */
  streamStartEpoch?: { epochUs: number; source?: string } | null
  fileName?: FileNameResult | null
  /** Sidecar times, camera wall clock written as if UTC (Hikvision index00.bin), as epoch µs. */
  sidecar?: { startEpochUs: number; endEpochUs?: number | null; source: string } | null
  /**
   * The investigator's entry. `text` is ISO 8601, with or without an offset; without one,
   * `zone` says where the wall clock was. camera-clock: read off the camera (e.g. its
   * overlay), so the clock offset still applies; reference-clock: already true time.
   */
  manual?: { text: string; zone: string | null; basis: 'camera-clock' | 'reference-clock'; by?: string } | null
  camera: CameraClock
  /** The case zone, passed explicitly to stand in for an unknown camera zone; recorded as an assumption. */
  assumedZone?: string | null
  /** Which occurrence of a wall-clock time that happened twice (DST fold): only from the investigator. */
  foldChoice?: 'earlier' | 'later' | null
  /** Sources further apart than this are reported as disagreeing. Default 2 s. */
  agreementToleranceUs?: number
  /** Device times outside this range are rejected (clock resets, zero dates). Default 2001-01-01 .. now + 1 day. */
  plausible?: { minUs: number; maxUs: number }
  /** "Now", for the default plausible range; tests pass it. */
  nowUs?: number
}

export type ZoneBasis = 'utc' | 'camera' | 'assumed-case-zone' | 'fixed-offset' | 'manual'

export interface ZoneUsed {
  zone: string
  basis: ZoneBasis
  /** Offset from UTC at the start, minutes east. */
  offsetMinutes: number
}

export type WarningCode =
  | 'dst-fold-resolved'
  | 'dst-fold-chosen'
  | 'dst-gap'
  | 'zone-assumed'
  | 'methods-disagree'
  | 'method-rejected'
  | 'method-unresolved'
  | 'creation-time-looks-local'
  | 'creation-time-no-zone'
  | 'low-confidence-name'
  | 'end-unresolved'

export interface PlacementWarning {
  code: WarningCode
  message: string
  /** True when the investigator should look before relying on the placement. */
  review: boolean
}

export interface MethodAnswer {
  method: PlacementMethod
  status: 'used' | 'agrees' | 'disagrees' | 'rejected' | 'unresolved'
  /** Corrected start (clock offset applied where it applies); null when the source gave none. */
  startUs: number | null
  rawStartUs: number | null
  /** startUs minus the chosen start; null when not comparable. */
  deltaUs: number | null
  rawText: string
  detail: string
  reason?: string
  /** Both instants of a DST fold, earlier first (raw). */
  candidatesUs?: number[]
  /** For a camera wall clock whose zone is unknown: the wall clock read as UTC. */
  asIfUtcUs?: number
  /** When the chosen start is known: the UTC offset this source's wall clock implies (minutes), if a whole quarter hour. */
  impliedOffsetMinutes?: number
}

export interface Placed {
  status: 'placed'
  /** Start on the timeline: raw + clock offset (when the offset applies). */
  startUs: number
  /** What the source said, as UTC, before the clock offset. */
  rawStartUs: number
  clockOffsetUs: number
  offsetApplied: boolean
  /** End where the source states one (file name start-end, sidecar), corrected; else null. */
  endUs: number | null
  rawEndUs: number | null
  method: PlacementMethod
  methodDetail: string
  zoneUsed: ZoneUsed
  rawText: string
  alternatives: MethodAnswer[]
  warnings: PlacementWarning[]
  assumptions: string[]
  flags: { dstAmbiguous: boolean; dstGap: boolean; zoneAssumed: boolean; needsReview: boolean }
  /** One line for the file list and the custody log. */
  summary: string
}

export type UnplacedReason = 'camera-time-zone-unknown' | 'dst-ambiguous' | 'no-time-source' | 'all-rejected'

export interface Unplaced {
  status: 'unplaced'
  reasonCode: UnplacedReason
  reason: string
  candidates: MethodAnswer[]
  warnings: PlacementWarning[]
}

export type PlacementDecision = Placed | Unplaced

export const DEFAULT_AGREEMENT_TOLERANCE_US = 2 * US_PER_SECOND
/** Earliest device time believed: cameras reset to 2000-01-01 or 1970 after power loss. */
export const DEFAULT_EARLIEST_PLAUSIBLE_US = Date.UTC(2001, 0, 1) * 1000
/** A fold's two instants are an hour (rarely 30 min) apart; another source within this picks one. */
const FOLD_MATCH_US = 15 * US_PER_MINUTE

interface Common {
  method: PlacementMethod
  rawText: string
  detail: string
  /** Subject to the camera clock offset. */
  cameraClock: boolean
  asIfUtcUs?: number
}

interface Ok extends Common {
  ok: true
  rawUs: number
  rawEndUs: number | null
  zoneUsed: ZoneUsed
  dstAmbiguous: boolean
  dstGap: boolean
  zoneAssumed: boolean
  warnings: PlacementWarning[]
  assumptions: string[]
}

interface NotOk extends Common {
  ok: false
  code: 'rejected' | 'zone-unknown' | 'dst-fold'
  reason: string
  /** A time the source did give, though rejected (e.g. a 1970 creation_time). */
  rawUs?: number
  fold?: { candidatesUs: [number, number]; zone: string; basis: ZoneBasis; offsets: [number, number]; rawEndUs: number | null; wall: WallClock }
}

type Outcome = Ok | NotOk

interface Ctx {
  inputs: PlacementInputs
  minUs: number
  maxUs: number
}

export function decideStart(inputs: PlacementInputs): PlacementDecision {
  const nowUs = inputs.nowUs ?? Date.now() * 1000
  const ctx: Ctx = {
    inputs,
    minUs: inputs.plausible?.minUs ?? DEFAULT_EARLIEST_PLAUSIBLE_US,
    maxUs: inputs.plausible?.maxUs ?? nowUs + US_PER_DAY
  }
  const tol = inputs.agreementToleranceUs ?? DEFAULT_AGREEMENT_TOLERANCE_US
  const offset = inputs.camera.clockOffsetUs
  const corrected = (o: { cameraClock: boolean }, raw: number) => raw + (o.cameraClock ? offset : 0)

  const outcomes: Outcome[] = []
  if (inputs.creationTime != null && inputs.creationTime.trim() !== '') outcomes.push(fromCreationTime(inputs.creationTime, ctx))
  if (inputs.streamStartEpoch) outcomes.push(fromStream(inputs.streamStartEpoch, ctx))
  if (inputs.fileName) outcomes.push(fromFileName(inputs.fileName, ctx))
  if (inputs.sidecar) outcomes.push(fromSidecar(inputs.sidecar, ctx))
  if (inputs.manual) outcomes.push(fromManual(inputs.manual, ctx))

  // A DST fold is settled by another source that lands near one of its two instants, or by the
  // investigator's explicit choice; never by default.
  for (let i = 0; i < outcomes.length; i++) {
    const o = outcomes[i]!
    if (o.ok || o.code !== 'dst-fold' || !o.fold) continue
    const f = o.fold
    const others = outcomes.filter((x): x is Ok => x.ok)
    const near = (cand: number) => others.find((x) => Math.abs(corrected(x, x.rawUs) - corrected(o, cand)) <= FOLD_MATCH_US)
    const hits = f.candidatesUs.map((c) => near(c))
    let pick: number | null = null
    let warning: PlacementWarning | null = null
    const assumptions: string[] = []
    const which = (k: number) => (k === 0 ? 'first (earlier)' : 'second (later)')
    if (hits[0] && !hits[1]) pick = 0
    if (hits[1] && !hits[0]) pick = 1
    if (pick !== null) {
      warning = {
        code: 'dst-fold-resolved',
        message: `${formatWallClock(f.wall)} happened twice in ${f.zone}; ${METHOD_LABEL[hits[pick]!.method]} is near the ${which(pick)} occurrence, so that one is used`,
        review: false
      }
    } else if (inputs.foldChoice) {
      pick = inputs.foldChoice === 'earlier' ? 0 : 1
      warning = { code: 'dst-fold-chosen', message: `${formatWallClock(f.wall)} happened twice in ${f.zone}; the investigator chose the ${which(pick)} occurrence`, review: true }
      assumptions.push(`DST fold: the ${which(pick)} occurrence of ${formatWallClock(f.wall)} ${f.zone}, chosen by the investigator`)
    }
    if (pick === null) continue
    outcomes[i] = {
      ok: true,
      method: o.method,
      rawText: o.rawText,
      detail: o.detail,
      cameraClock: o.cameraClock,
      asIfUtcUs: o.asIfUtcUs,
      rawUs: f.candidatesUs[pick]!,
      rawEndUs: f.rawEndUs,
      zoneUsed: { zone: f.zone, basis: f.basis, offsetMinutes: f.offsets[pick]! },
      dstAmbiguous: true,
      dstGap: false,
      zoneAssumed: f.basis === 'assumed-case-zone',
      warnings: [...(f.basis === 'assumed-case-zone' ? [{ code: 'zone-assumed' as const, message: assumedZoneText(f.zone), review: true }] : []), warning!],
      assumptions: [...(f.basis === 'assumed-case-zone' ? [assumedZoneText(f.zone)] : []), ...assumptions]
    }
  }

  const chosen = outcomes.find((o): o is Ok => o.ok)
  if (!chosen) return unplaced(outcomes)

  const startUs = corrected(chosen, chosen.rawUs)
  const warnings: PlacementWarning[] = [...chosen.warnings]
  const alternatives: MethodAnswer[] = []
  for (const o of outcomes) {
    if (o === chosen) continue
    const answer = toAnswer(o, corrected)
    if (answer.startUs !== null) answer.deltaUs = answer.startUs - startUs
    if (o.ok) {
      answer.status = Math.abs(answer.deltaUs!) <= tol ? 'agrees' : 'disagrees'
      if (answer.status === 'disagrees') {
        warnings.push({
          code: 'methods-disagree',
          message: `${METHOD_LABEL[o.method]} says ${microsToIso(answer.startUs!)}, ${describeDuration(answer.deltaUs!)} ${answer.deltaUs! > 0 ? 'later' : 'earlier'} than the ${METHOD_LABEL[chosen.method]}`,
          review: true
        })
      }
    } else {
      const said = answer.deltaUs !== null ? ` (it said ${microsToIso(answer.startUs!)}, ${describeDuration(answer.deltaUs)} ${answer.deltaUs > 0 ? 'later' : 'earlier'})` : ''
      warnings.push({
        code: o.code === 'rejected' ? 'method-rejected' : 'method-unresolved',
        message: `${METHOD_LABEL[o.method]} not used: ${o.reason}${said}`,
        review: false
      })
    }
    if (o.asIfUtcUs !== undefined) {
      const implied = (o.asIfUtcUs - chosen.rawUs) / US_PER_MINUTE
      const quarter = Math.round(implied / 15) * 15
      if (Math.abs(implied - quarter) * US_PER_MINUTE <= tol && Math.abs(quarter) <= 14 * 60) answer.impliedOffsetMinutes = quarter
    }
    alternatives.push(answer)
  }
  warnings.push(...localWithZ(chosen, outcomes, tol))

  const offsetApplied = chosen.cameraClock
  const endUs = chosen.rawEndUs !== null ? corrected(chosen, chosen.rawEndUs) : null
  const needsReview = warnings.some((w) => w.review)
  const methodDetail = chosen.detail
  const summary =
    `placed by ${METHOD_LABEL[chosen.method]} at ${microsToIso(startUs)}` +
    ` (${zoneText(chosen.zoneUsed)}${offsetApplied && offset !== 0 ? `; camera clock offset ${offset > 0 ? '+' : '-'}${describeDuration(offset)} applied` : ''})` +
    (needsReview ? '; needs review' : '')
  return {
    status: 'placed',
    startUs,
    rawStartUs: chosen.rawUs,
    clockOffsetUs: offset,
    offsetApplied,
    endUs,
    rawEndUs: chosen.rawEndUs,
    method: chosen.method,
    methodDetail,
    zoneUsed: chosen.zoneUsed,
    rawText: chosen.rawText,
    alternatives,
    warnings,
    assumptions: chosen.assumptions,
    flags: { dstAmbiguous: chosen.dstAmbiguous, dstGap: chosen.dstGap, zoneAssumed: chosen.zoneAssumed, needsReview },
    summary
  }
}

function zoneText(z: ZoneUsed): string {
  switch (z.basis) {
    case 'utc':
      return 'UTC'
    case 'fixed-offset':
      return `offset ${formatOffsetMinutes(z.offsetMinutes)} from the source`
    case 'camera':
      return `camera zone ${z.zone}, ${formatOffsetMinutes(z.offsetMinutes)}`
    case 'assumed-case-zone':
      return `case zone ${z.zone} assumed for the camera, ${formatOffsetMinutes(z.offsetMinutes)}`
    case 'manual':
      return `zone ${z.zone} entered by the investigator, ${formatOffsetMinutes(z.offsetMinutes)}`
  }
}

const assumedZoneText = (zone: string) => `camera time zone unknown: the case zone ${zone} was assumed, as the caller asked`

function toAnswer(o: Outcome, corrected: (o: { cameraClock: boolean }, raw: number) => number): MethodAnswer {
  const rawStartUs = o.ok ? o.rawUs : (o.rawUs ?? null)
  const a: MethodAnswer = {
    method: o.method,
    status: o.ok ? 'agrees' : o.code === 'rejected' ? 'rejected' : 'unresolved',
    startUs: rawStartUs !== null ? corrected(o, rawStartUs) : null,
    rawStartUs,
    deltaUs: null,
    rawText: o.rawText,
    detail: o.detail
  }
  if (!o.ok) a.reason = o.reason
  if (!o.ok && o.fold) a.candidatesUs = [...o.fold.candidatesUs]
  if (o.asIfUtcUs !== undefined) a.asIfUtcUs = o.asIfUtcUs
  return a
}

function unplaced(outcomes: Outcome[]): Unplaced {
  const notOk = outcomes as NotOk[]
  const candidates = notOk.map((o) => toAnswer(o, (_o, raw) => raw))
  const fold = notOk.find((o) => o.code === 'dst-fold')
  const zone = notOk.find((o) => o.code === 'zone-unknown')
  const warnings: PlacementWarning[] = notOk.map((o) => ({ code: o.code === 'rejected' ? 'method-rejected' : 'method-unresolved', message: `${METHOD_LABEL[o.method]}: ${o.reason}`, review: false }))
  if (outcomes.length === 0) {
    return { status: 'unplaced', reasonCode: 'no-time-source', reason: 'no source of time: no creation_time, stream timestamps, file-name time, sidecar or investigator’s entry', candidates, warnings }
  }
  if (fold) return { status: 'unplaced', reasonCode: 'dst-ambiguous', reason: fold.reason, candidates, warnings }
  if (zone) return { status: 'unplaced', reasonCode: 'camera-time-zone-unknown', reason: 'camera time zone unknown', candidates, warnings }
  return { status: 'unplaced', reasonCode: 'all-rejected', reason: `no source gave a usable time: ${notOk.map((o) => `${METHOD_LABEL[o.method]}: ${o.reason}`).join('; ')}`, candidates, warnings }
}

/** A creation_time that sits exactly one zone offset away from the camera's wall clock was probably written as local time with a Z. */
function localWithZ(chosen: Ok, outcomes: Outcome[], tol: number): PlacementWarning[] {
  if (chosen.method !== 'creation-time' || chosen.zoneUsed.basis !== 'utc') return []
  for (const o of outcomes) {
    if (o === chosen || o.asIfUtcUs === undefined || !['stream-timestamps', 'file-name', 'sidecar'].includes(o.method)) continue
    const diff = chosen.rawUs - o.asIfUtcUs
    if (Math.abs(diff) > tol) continue
    if (o.ok && o.zoneUsed.offsetMinutes === 0) continue
    const message = o.ok
      ? `creation_time equals the ${METHOD_LABEL[o.method]}’s wall clock read as UTC, but ${o.zoneUsed.zone} is ${formatOffsetMinutes(o.zoneUsed.offsetMinutes)} then: the camera probably wrote local time with a Z. If so, mark the camera “writes local time in creation_time”.`
      : `creation_time equals the ${METHOD_LABEL[o.method]}’s wall clock read as UTC: either the camera runs on UTC or it wrote local time with a Z. Set the camera’s zone to tell.`
    return [{ code: 'creation-time-looks-local', message, review: true }]
  }
  return []
}

// ---- the sources ----

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i

function parseIso(text: string): { wall: WallClock; offsetMinutes: number | null } | null {
  const m = ISO.exec(text.trim())
  if (!m) return null
  const micros = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6))
  const wall = wallClock(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), micros)
  const z = m[8]?.toUpperCase()
  let offsetMinutes: number | null = null
  if (z === 'Z' || z === 'UTC' || z === 'GMT') offsetMinutes = 0
  else if (z) {
    const d = z.slice(1).replace(':', '')
    offsetMinutes = (z[0] === '-' ? -1 : 1) * (Number(d.slice(0, 2)) * 60 + Number(d.slice(2, 4)))
  }
  return { wall, offsetMinutes }
}

function implausible(us: number, ctx: Ctx, what: string): string | null {
  if (us < ctx.minUs) {
    const wall = wallClockFromAsIfUtcUs(us)
    const zero =
      (wall.year === 1904 || wall.year === 1970 || wall.year === 2000) && wall.month === 1 && wall.day === 1
        ? ` (${wall.year}-01-01 is a zero date: ${wall.year === 1904 ? 'the MP4 epoch' : wall.year === 1970 ? 'the Unix epoch' : 'a camera clock reset'})`
        : ''
    return `${what} ${microsToIso(us)} is before ${microsToIso(ctx.minUs)}${zero}: a clock that was never set, not a recording time`
  }
  if (us > ctx.maxUs) return `${what} ${microsToIso(us)} is in the future (after ${microsToIso(ctx.maxUs)})`
  return null
}

/** Camera-local wall clock to UTC with the camera's zone (or the explicitly assumed case zone). */
function resolveLocal(
  base: Common,
  wall: WallClock,
  endWall: WallClock | null,
  ctx: Ctx
): Outcome {
  const asIfUtcUs = wallClockAsIfUtcUs(wall)
  const common = { ...base, asIfUtcUs }
  const bad = implausible(asIfUtcUs, ctx, 'camera wall clock')
  if (bad) return { ...common, ok: false, code: 'rejected', reason: bad }
  const cameraZone = ctx.inputs.camera.timeZone
  const zone = cameraZone ?? ctx.inputs.assumedZone ?? null
  if (!zone) {
    return { ...common, ok: false, code: 'zone-unknown', reason: `camera time zone unknown: ${formatWallClock(wall)} is camera local time` }
  }
  if (!isKnownZone(zone)) return { ...common, ok: false, code: 'rejected', reason: `unknown time zone "${zone}"` }
  const basis: ZoneBasis = cameraZone ? 'camera' : 'assumed-case-zone'
  const assumptions = basis === 'assumed-case-zone' ? [assumedZoneText(zone)] : []
  const warnings: PlacementWarning[] = basis === 'assumed-case-zone' ? [{ code: 'zone-assumed', message: assumedZoneText(zone), review: true }] : []
  const r = resolveWallClock(wall, zone)
  const endUs = endWall ? resolveEnd(endWall, zone, warnings) : null
  switch (r.kind) {
    case 'invalid':
      return { ...common, ok: false, code: 'rejected', reason: r.reason }
    case 'exact':
      return { ...common, ok: true, rawUs: r.us, rawEndUs: endUs, zoneUsed: { zone, basis, offsetMinutes: r.offsetMinutes }, dstAmbiguous: false, dstGap: false, zoneAssumed: basis !== 'camera', warnings, assumptions }
    case 'gap':
      warnings.push({
        code: 'dst-gap',
        message: `${formatWallClock(wall)} never happened in ${zone} (clocks went forward from ${formatOffsetMinutes(r.offsetMinutes)} to ${formatOffsetMinutes(r.offsetAfterMinutes)}); read with the offset before the change. The camera clock may not follow DST.`,
        review: true
      })
      return { ...common, ok: true, rawUs: r.us, rawEndUs: endUs, zoneUsed: { zone, basis, offsetMinutes: r.offsetMinutes }, dstAmbiguous: false, dstGap: true, zoneAssumed: basis !== 'camera', warnings, assumptions }
    case 'fold':
      return {
        ...common,
        ok: false,
        code: 'dst-fold',
        reason: `${formatWallClock(wall)} happened twice in ${zone} (clocks went back from ${formatOffsetMinutes(r.offsetsMinutes[0])} to ${formatOffsetMinutes(r.offsetsMinutes[1])}): ${microsToIso(r.earlierUs)} or ${microsToIso(r.laterUs)}; say which`,
        fold: { candidatesUs: [r.earlierUs, r.laterUs], zone, basis, offsets: r.offsetsMinutes, rawEndUs: endUs, wall }
      }
  }
}

function resolveEnd(endWall: WallClock, zone: string, warnings: PlacementWarning[]): number | null {
  const r = resolveWallClock(endWall, zone)
  if (r.kind === 'exact' || r.kind === 'gap') return r.us
  if (r.kind === 'fold') {
    warnings.push({ code: 'end-unresolved', message: `the end ${formatWallClock(endWall)} happened twice in ${zone}; no end taken from it`, review: false })
  }
  return null
}

function fromCreationTime(text: string, ctx: Ctx): Outcome {
  const base: Common = { method: 'creation-time', rawText: text, detail: 'container creation_time', cameraClock: true }
  const parsed = parseIso(text)
  if (!parsed) return { ...base, ok: false, code: 'rejected', reason: `"${text}" is not an ISO 8601 date-time` }
  const { wall, offsetMinutes } = parsed
  if (wall.year === 0 || wall.month === 0 || wall.day === 0) return { ...base, ok: false, code: 'rejected', reason: 'zero date: the device wrote no time' }
  if (!isValidWallClock(wall)) return { ...base, ok: false, code: 'rejected', reason: `${formatWallClock(wall)} is not a real date and time` }
  if (ctx.inputs.camera.creationTimeIsLocal) {
    return resolveLocal({ ...base, detail: 'container creation_time, read as camera local time (camera setting: it writes local time with a Z)' }, wall, null, ctx)
  }
  const rawUs = wallClockAsIfUtcUs(wall) - (offsetMinutes ?? 0) * US_PER_MINUTE
  const bad = implausible(rawUs, ctx, 'creation_time')
  if (bad) return { ...base, ok: false, code: 'rejected', reason: bad, rawUs }
  const warnings: PlacementWarning[] = []
  if (offsetMinutes === null) {
    warnings.push({ code: 'creation-time-no-zone', message: 'creation_time has no zone in its text; taken as UTC, as MP4 defines it', review: false })
  }
  const zoneUsed: ZoneUsed = offsetMinutes ? { zone: formatOffsetMinutes(offsetMinutes), basis: 'fixed-offset', offsetMinutes } : { zone: 'UTC', basis: 'utc', offsetMinutes: 0 }
  return { ...base, ok: true, rawUs, rawEndUs: null, zoneUsed, dstAmbiguous: false, dstGap: false, zoneAssumed: false, warnings, assumptions: [] }
}

function fromStream(s: { epochUs: number; source?: string }, ctx: Ctx): Outcome {
  const wall = wallClockFromAsIfUtcUs(s.epochUs)
  const base: Common = {
    method: 'stream-timestamps',
    rawText: String(s.epochUs / US_PER_SECOND),
    detail: `${s.source ?? 'absolute stream timestamps'}: camera wall clock ${formatWallClock(wall)}`,
    cameraClock: true
  }
  if (!Number.isFinite(s.epochUs)) return { ...base, ok: false, code: 'rejected', reason: 'not a number' }
  return resolveLocal(base, wall, null, ctx)
}

function fromSidecar(s: { startEpochUs: number; endEpochUs?: number | null; source: string }, ctx: Ctx): Outcome {
  const wall = wallClockFromAsIfUtcUs(s.startEpochUs)
  const base: Common = { method: 'sidecar', rawText: `${s.source}: ${s.startEpochUs / US_PER_SECOND}`, detail: `${s.source}: camera wall clock ${formatWallClock(wall)}`, cameraClock: true }
  if (!Number.isFinite(s.startEpochUs)) return { ...base, ok: false, code: 'rejected', reason: 'not a number' }
  const end = s.endEpochUs != null && s.endEpochUs >= s.startEpochUs ? wallClockFromAsIfUtcUs(s.endEpochUs) : null
  return resolveLocal(base, wall, end, ctx)
}

function fromFileName(r: FileNameResult, ctx: Ctx): Outcome {
  if (r.status !== 'matched') {
    return { method: 'file-name', rawText: r.fileName, detail: 'file name', cameraClock: true, ok: false, code: 'rejected', reason: r.reason }
  }
  const notes = r.notes.length ? `; ${r.notes.join('; ')}` : ''
  const base: Common = {
    method: 'file-name',
    rawText: r.fileName,
    detail: `file name pattern ${r.patternId} (${r.vendor}, confidence ${r.confidence}): ${r.reading}${notes}`,
    cameraClock: true
  }
  const low: PlacementWarning[] = r.confidence === 'low' ? [{ code: 'low-confidence-name', message: `file-name pattern ${r.patternId} is unconfirmed (low confidence)`, review: true }] : []
  if (r.clock === 'camera-local') {
    const o = resolveLocal(base, r.start, r.end, ctx)
    if (o.ok) o.warnings.push(...low)
    return o
  }
  const offsetMinutes = r.clock === 'utc' ? 0 : (r.offsetMinutes ?? 0)
  const rawUs = wallClockAsIfUtcUs(r.start) - offsetMinutes * US_PER_MINUTE
  const rawEndUs = r.end ? wallClockAsIfUtcUs(r.end) - offsetMinutes * US_PER_MINUTE : null
  const bad = implausible(rawUs, ctx, 'file-name time')
  if (bad) return { ...base, ok: false, code: 'rejected', reason: bad, rawUs }
  const zoneUsed: ZoneUsed = r.clock === 'utc' ? { zone: 'UTC', basis: 'utc', offsetMinutes: 0 } : { zone: formatOffsetMinutes(offsetMinutes), basis: 'fixed-offset', offsetMinutes }
  return { ...base, ok: true, rawUs, rawEndUs, zoneUsed, dstAmbiguous: false, dstGap: false, zoneAssumed: false, warnings: low, assumptions: [] }
}

function fromManual(m: NonNullable<PlacementInputs['manual']>, ctx: Ctx): Outcome {
  const cameraClock = m.basis === 'camera-clock'
  const base: Common = {
    method: 'manual',
    rawText: m.zone ? `${m.text} ${m.zone}` : m.text,
    detail: `entered by ${m.by ?? 'the investigator'} (${cameraClock ? 'read off the camera’s clock: offset applies' : 'true time: no clock offset'})`,
    cameraClock
  }
  const parsed = parseIso(m.text)
  if (!parsed || !isValidWallClock(parsed.wall)) return { ...base, ok: false, code: 'rejected', reason: `"${m.text}" is not an ISO 8601 date-time` }
  if (parsed.offsetMinutes !== null) {
    const rawUs = wallClockAsIfUtcUs(parsed.wall) - parsed.offsetMinutes * US_PER_MINUTE
    const zoneUsed: ZoneUsed = { zone: formatOffsetMinutes(parsed.offsetMinutes), basis: 'manual', offsetMinutes: parsed.offsetMinutes }
    return { ...base, ok: true, rawUs, rawEndUs: null, zoneUsed, dstAmbiguous: false, dstGap: false, zoneAssumed: false, warnings: [], assumptions: [] }
  }
  if (!m.zone) return { ...base, ok: false, code: 'rejected', reason: 'the entry has no offset and no zone' }
  if (!isKnownZone(m.zone)) return { ...base, ok: false, code: 'rejected', reason: `unknown time zone "${m.zone}"` }
  // Reuse the camera-local path with the entry's own zone standing in as the camera's.
  const o = resolveLocal(base, parsed.wall, null, { ...ctx, minUs: -Infinity, maxUs: Infinity, inputs: { ...ctx.inputs, camera: { ...ctx.inputs.camera, timeZone: m.zone } } })
  if (o.ok) o.zoneUsed = { ...o.zoneUsed, basis: 'manual' }
  if (!o.ok && o.fold) o.fold.basis = 'manual'
  delete o.asIfUtcUs
  return o
}

/** Epoch seconds (possibly fractional, as ffprobe prints them) to µs without float drift. */
export function epochSecondsToUs(seconds: number | string): number {
  const text = typeof seconds === 'number' ? seconds.toFixed(6) : seconds.trim()
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(text)
  if (!m) return Number.NaN
  const us = Number(m[2]) * US_PER_SECOND + Number((m[3] ?? '').padEnd(6, '0').slice(0, 6))
  return m[1] ? -us : us
}

