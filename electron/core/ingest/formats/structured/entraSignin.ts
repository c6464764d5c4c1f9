// Microsoft Entra ID (Azure AD) sign-in logs, in the three shapes investigators receive:
//  - Azure Monitor diagnostic settings (Log Analytics / Event Hub / storage): `time`,
//    `category: SignInLogs` (or NonInteractiveUser…, ServicePrincipal…, ManagedIdentity…),
//    the sign-in itself under `properties`; JSON lines, an array or {"records":[…]};
//  - the portal / Graph JSON download: bare signIn objects (`createdDateTime`,
//    `userPrincipalName`, `status{errorCode}`), as an array or Graph's {"value":[…]};
//  - the portal CSV download: `Date (UTC)`, `User`, `Username`, `IP address`, `Status`…
// Times are UTC with up to 7 fractional digits (100 ns); the 7th digit is dropped, the
// original text stays in rawTime. The sign-in time is properties.createdDateTime, not the
// Azure Monitor `time` (when the record was written), which is used only as a fallback.
import { open } from 'node:fs/promises'
import type { Outcome } from '@shared/event'
import { recordExcerpt, type EventTime, type Importer, type ParsedEvent, type ParserContext, type RecordOutput, type SniffInput } from '../../types'
import { readCsvRows, splitCsv } from './csvRows'
import { jsonRecordOutputs } from './jsonRecords'
import { epochMillis, parseIso } from './stamps'
import { firstChar, firstStr, ipOrNull, joinPresent, jsonKeys, num, obj, rest, str, type JsonObject } from './values'

const MONITOR_CATEGORIES: Record<string, string> = {
  SignInLogs: 'sign-in',
  NonInteractiveUserSignInLogs: 'non-interactive-sign-in',
  ServicePrincipalSignInLogs: 'service-principal-sign-in',
  ManagedIdentitySignInLogs: 'managed-identity-sign-in',
  ADFSSignInLogs: 'adfs-sign-in'
}

const MAPPED = [
  'createdDateTime',
  'userPrincipalName',
  'userId',
  'ipAddress',
  'status',
  'location',
  'appDisplayName'
]

/** Graph JSON, Azure Monitor JSON or Windows PowerShell 5.1's "/Date(ms)/". */
function readTime(text: string): EventTime | null {
  const ms = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(text)
  if (ms) return epochMillis(Number(ms[1]))
  return parseIso(text)
}

function outcomeOf(errorCode: number | null, statusText: string | null): Outcome {
  if (errorCode !== null) return errorCode === 0 ? 'success' : 'failure'
  const s = statusText?.toLowerCase()
  if (s === 'success') return 'success'
  if (s === 'failure') return 'failure'
  return 'unknown'
}

function describe(actor: string | null, app: string | null, ip: string | null, outcome: Outcome, code: number | null, reason: string | null): string {
  const who = actor ?? 'unknown user'
  const what = `Sign-in by ${who}${app ? ` to ${app}` : ''}${ip ? ` from ${ip}` : ''}`
  if (outcome === 'success') return `${what}: success`
  if (outcome === 'failure') return `${what}: failed${code !== null ? ` ${code}` : ''}${reason ? ` (${reason})` : ''}`
  return `${what}${reason ? `: ${reason}` : ''}`
}

export function entraJsonEvent(r: JsonObject, ctx?: ParserContext): ParsedEvent[] | string {
  const props = obj(r.properties)
  const monitorCategory = str(r.category)
  const monitor = props !== null && (monitorCategory !== null || str(r.operationName) !== null)
  const p = monitor ? props : r
  const rawTime = firstStr(p.createdDateTime, monitor ? r.time : null)
  if (rawTime === null) return 'no createdDateTime (or time)'
  const time = readTime(rawTime)
  if (!time) return `createdDateTime "${rawTime}" is not a timestamp`
  if (time.kind === 'local') ctx?.note('some sign-in times have no zone designator: taken in the source zone')
  const status = obj(p.status)
  const code = num(status?.errorCode) ?? (monitor ? num(r.resultType) : null)
  const reason = firstStr(status?.failureReason, status?.additionalDetails, monitor ? r.resultDescription : null)
  const outcome = outcomeOf(code, null)
  const loc = p.location
  const location = obj(loc) ? joinPresent([obj(loc)!.city, obj(loc)!.state, obj(loc)!.countryOrRegion]) : firstStr(loc, monitor ? r.location : null)
  const actor = firstStr(p.userPrincipalName, p.userDisplayName, p.servicePrincipalName, monitor ? r.identity : null)
  const srcIp = ipOrNull(firstStr(p.ipAddress, monitor ? r.callerIpAddress : null))
  const app = firstStr(p.appDisplayName, p.resourceDisplayName)
  const fields = rest(p, MAPPED)
  if (status) fields.status = status
  if (obj(loc)) fields.location = loc
  if (p.appDisplayName !== undefined) fields.appDisplayName = p.appDisplayName
  if (monitor) fields.azureMonitor = rest(r, ['properties'])
  return [
    {
      time,
      rawTime,
      category: 'auth',
      action: (monitorCategory && MONITOR_CATEGORIES[monitorCategory]) || 'sign-in',
      outcome,
      actor,
      actorId: str(p.userId) ?? str(p.servicePrincipalId),
      host: str(obj(p.deviceDetail)?.displayName),
      srcIp,
      location,
      message: describe(actor, app, srcIp, outcome, code, outcome === 'success' ? null : reason),
      fields
    }
  ]
}

/** Column names of the portal CSV, matched case-insensitively after trimming. */
const COL = {
  date: ['date (utc)', 'date', 'createddatetime'],
  user: ['user', 'userdisplayname'],
  username: ['username', 'userprincipalname'],
  userId: ['user id', 'userid'],
  ip: ['ip address', 'ipaddress'],
  location: ['location'],
  status: ['status'],
  errorCode: ['sign-in error code'],
  reason: ['failure reason'],
  app: ['application', 'appdisplayname'],
  device: ['device id'],
  spName: ['service principal name'],
  spId: ['service principal id']
} as const

type Columns = { -readonly [K in keyof typeof COL]: number }

function columnsOf(header: string[]): Columns {
  const names = header.map((h) => h.trim().toLowerCase())
  const out = {} as Columns
  for (const key of Object.keys(COL) as (keyof typeof COL)[]) out[key] = names.findIndex((n) => (COL[key] as readonly string[]).includes(n))
  return out
}

/** Header names made unique: the portal repeats "Incoming token type". */
function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>()
  return header.map((h) => {
    const name = h.trim()
    const n = (seen.get(name) ?? 0) + 1
    seen.set(name, n)
    return n === 1 ? name : `${name} (${n})`
  })
}

function csvEvent(cells: string[], names: string[], col: Columns, dateInUtc: boolean, ctx: ParserContext): ParsedEvent[] | string {
  const cell = (i: number): string | null => (i >= 0 ? str(cells[i]) : null)
  const rawTime = cell(col.date)
  if (rawTime === null) return 'no date'
  let time = parseIso(rawTime)
  if (!time) return `date "${rawTime}" is not ISO 8601 (re-saved CSVs with culture dates cannot be read unambiguously)`
  if (time.kind === 'local' && dateInUtc) {
    // The column header itself says UTC: that is the file stating the zone, not a guess.
    ctx.note('"Date (UTC)" values without a zone designator read as UTC, as the column header states')
    const { year, month, day, hour, minute, second, micros } = time
    time = { kind: 'utc', us: Date.UTC(year ?? 1970, month - 1, day, hour, minute, second) * 1000 + micros }
  }
  const code = num(cell(col.errorCode))
  const statusText = cell(col.status)
  const outcome = outcomeOf(code, statusText)
  const actor = firstStr(cell(col.username), cell(col.user), cell(col.spName))
  const srcIp = ipOrNull(cell(col.ip))
  const used = new Set([col.date, col.username, col.userId, col.ip, col.location])
  const fields: JsonObject = {}
  names.forEach((n, i) => {
    const v = str(cells[i])
    if (!used.has(i) && v !== null) fields[n] = v
  })
  const reason = cell(col.reason)
  return [
    {
      time,
      rawTime,
      category: 'auth',
      action: 'sign-in',
      outcome,
      actor,
      actorId: firstStr(cell(col.userId), cell(col.spId)),
      srcIp,
      location: cell(col.location),
      message: describe(actor, cell(col.app), srcIp ?? cell(col.ip), outcome, code, outcome === 'success' ? null : reason ?? statusText),
      fields
    }
  ]
}

async function* csvRecords(path: string, ctx: ParserContext): AsyncGenerator<RecordOutput> {
  ctx.note('read as the Entra portal CSV download')
  let header: { names: string[]; col: Columns; utc: boolean } | null = null
  let recordNo = 0
  for await (const row of readCsvRows(path, ctx.signal)) {
    if (row.kind === 'bad') {
      yield { bad: row.reason, offset: row.offset, recordNo: ++recordNo, lineNo: row.line }
      continue
    }
    if (!header) {
      const names = uniqueNames(row.cells)
      const col = columnsOf(names)
      if (col.date < 0) {
        yield { bad: 'not an Entra sign-in CSV header (no "Date (UTC)" column); nothing imported', offset: row.offset, recordNo: ++recordNo, lineNo: row.line, excerpt: recordExcerpt(row.text) }
        return
      }
      header = { names, col, utc: /\(utc\)/i.test(names[col.date]!) }
      continue
    }
    recordNo++
    const cells = row.cells.length === header.names.length + 1 && row.cells.at(-1) === '' ? row.cells.slice(0, -1) : row.cells
    if (cells.length !== header.names.length) {
      yield { bad: `${cells.length} fields, the header has ${header.names.length}`, offset: row.offset, recordNo, lineNo: row.line, excerpt: recordExcerpt(row.text) }
      continue
    }
    const out = csvEvent(cells, header.names, header.col, header.utc, ctx)
    if (typeof out === 'string') yield { bad: out, offset: row.offset, recordNo, lineNo: row.line, excerpt: recordExcerpt(row.text) }
    else yield { events: out, offset: row.offset, length: row.length, recordNo, lineNo: row.line }
  }
}

async function startsLikeJson(path: string): Promise<boolean> {
  const fh = await open(path, 'r')
  try {
    const head = Buffer.alloc(4096)
    const { bytesRead } = await fh.read(head, 0, head.length, 0)
    const c = firstChar(head.subarray(0, bytesRead).toString('utf8'))
    return c === '{' || c === '['
  } finally {
    await fh.close()
  }
}

function sniffCsvHeader(firstLine: string): number {
  const names = splitCsv(firstLine.replace(/^\uFEFF/, '')).cells.map((c) => c.trim().toLowerCase())
  if (!names.includes('date (utc)')) return 0
  if (names.includes('ip address') && (names.includes('username') || names.includes('service principal id'))) return 0.95
  return names.includes('request id') || names.includes('sign-in error code') ? 0.85 : 0
}

export const entraSignin: Importer = {
  id: 'entra-signin',
  name: 'Entra ID sign-in logs',
  description: 'Microsoft Entra ID (Azure AD) sign-ins: Azure Monitor JSON, portal/Graph JSON, or the portal CSV download; UTC.',
  sniff(input: SniffInput): number {
    const c = firstChar(input.text)
    if (c !== '{' && c !== '[') return sniffCsvHeader(input.lines[0] ?? '')
    if (/"category"\s*:\s*"(?:SignInLogs|NonInteractiveUserSignInLogs|ServicePrincipalSignInLogs|ManagedIdentitySignInLogs)"/.test(input.text)) return 0.95
    const keys = jsonKeys(input.text)
    if (keys.has('createdDateTime') && keys.has('userPrincipalName') && keys.has('status') && (keys.has('appDisplayName') || keys.has('clientAppUsed') || keys.has('conditionalAccessStatus'))) return 0.9
    return 0
  },
  async *readRecords(path, ctx) {
    if (!(await startsLikeJson(path))) {
      yield* csvRecords(path, ctx)
      return
    }
    ctx.note('sign-in time taken from createdDateTime (UTC); Azure Monitor "time" only when it is missing')
    yield* jsonRecordOutputs(path, ctx, (r) => entraJsonEvent(r, ctx), ['value', 'records'])
  }
}
