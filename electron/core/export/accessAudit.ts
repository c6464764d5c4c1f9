// The access-audit report: for a period and a set of areas, who was let in where and when,
// denied attempts, forced and held doors, access outside working hours, which camera covers
// each door, and the clock offsets that were applied per source. Built while the access
// events stream into the bag; written as data/report/access-audit.html (no script, prints)
// and data/events/access-audit.csv / .jsonl.
import { createHash } from 'node:crypto'
import { canonicalJson } from '@shared/canonicalJson'
import type { EventRecord, SourceSummary } from '@shared/ingestModel'
import { formatInZone, isoToMicros } from '@shared/time'
import type { WorkingHours } from '@shared/contracts/exports'
import { formatClockOffset } from '../ingest/timeResolve'
import { csvRow } from './csvSafe'

export const ACCESS_AUDIT_HTML = 'data/report/access-audit.html'
export const ACCESS_AUDIT_CSV = 'data/events/access-audit.csv'
export const ACCESS_AUDIT_JSONL = 'data/events/access-audit.jsonl'

export const DEFAULT_WORKING_HOURS: WorkingHours = { days: [1, 2, 3, 4, 5], start: '07:00', end: '19:00' }

/** Which part of the audit an access action belongs to (normalised actions: shared/event.ts AccessAction). */
export type AuditSection = 'granted' | 'denied' | 'forced' | 'held' | 'alarm' | 'other'
export function sectionOf(action: string): AuditSection {
  switch (action) {
    case 'granted':
      return 'granted'
    case 'denied':
      return 'denied'
    case 'forced-open':
      return 'forced'
    case 'held-open':
      return 'held'
    case 'tailgating':
    case 'tamper':
    case 'offline':
      return 'alarm'
    default:
      return 'other'
  }
}

export interface AuditRow {
  eventId: number
  ts: string
  local: string
  weekday: string
  afterHours: boolean
  section: AuditSection
  action: string
  outcome: string
  actor: string | null
  actorId: string | null
  location: string | null
  area: string | null
  sourceId: number
  sourceName: string
  clockOffset: string
  message: string
}

/** Location matches an area when equal to it or starting with it (case-insensitive). */
export function matchArea(location: string | null, areas: readonly string[]): string | null | false {
  if (areas.length === 0) return null
  if (!location) return false
  const l = location.toLowerCase()
  for (const a of areas) if (l === a.toLowerCase() || l.startsWith(a.toLowerCase())) return a
  return false
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 }

/** Weekday (1 = Monday) and minutes since local midnight of an instant in a zone. */
export function localClock(zone: string): (us: number) => { weekday: number; name: string; minutes: number } {
  const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: zone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  return (us) => {
    const parts = fmt.formatToParts(new Date(Math.floor(us / 1000)))
    const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? ''
    const name = get('weekday')
    return { weekday: WEEKDAYS[name] ?? 0, name, minutes: Number(get('hour')) * 60 + Number(get('minute')) }
  }
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

export function isAfterHours(clock: { weekday: number; minutes: number }, wh: WorkingHours): boolean {
  if (!wh.days.includes(clock.weekday)) return true
  return clock.minutes < minutesOf(wh.start) || clock.minutes >= minutesOf(wh.end)
}

export interface AccessAuditOptions {
  zone: string
  areas: string[]
  workingHours: WorkingHours
  from: string | null
  to: string | null
  sources: SourceSummary[]
  /** Cameras per door (door↔camera associations of the video module). */
  doorCameras: Map<string, string[]>
}

export class AccessAuditBuilder {
  readonly rows: AuditRow[] = []
  private readonly clock: ReturnType<typeof localClock>
  private readonly sourceById: Map<number, SourceSummary>

  constructor(readonly options: AccessAuditOptions) {
    this.clock = localClock(options.zone)
    this.sourceById = new Map(options.sources.map((s) => [s.id, s]))
  }

  /** Whether an event belongs in the audit (access category, inside the areas). */
  accepts(e: EventRecord): boolean {
    return e.category === 'access' && matchArea(e.location, this.options.areas) !== false
  }

  add(e: EventRecord): void {
    const us = isoToMicros(e.ts) ?? 0
    const c = this.clock(us)
    const src = this.sourceById.get(e.sourceId)
    const area = matchArea(e.location, this.options.areas)
    this.rows.push({
      eventId: e.id,
      ts: e.ts,
      local: formatInZone(us, this.options.zone),
      weekday: c.name,
      afterHours: isAfterHours(c, this.options.workingHours),
      section: sectionOf(e.action),
      action: e.action,
      outcome: e.outcome,
      actor: e.actor,
      actorId: e.actorId,
      location: e.location,
      area: area === false ? null : area,
      sourceId: e.sourceId,
      sourceName: src?.fileName ?? `#${e.sourceId}`,
      clockOffset: formatClockOffset(src?.clockOffsetUs ?? 0),
      message: e.message
    })
  }

  csv(): string {
    const header = csvRow(['event_id', 'time_utc', 'time_case_zone', 'weekday', 'after_hours', 'section', 'action', 'outcome', 'actor', 'actor_id', 'location', 'matched_area', 'source_id', 'source_file', 'clock_offset_applied', 'message'])
    return (
      '\ufeff' +
      header +
      this.rows
        .map((r) => csvRow([r.eventId, r.ts, r.local, r.weekday, r.afterHours ? 'yes' : 'no', r.section, r.action, r.outcome, r.actor, r.actorId, r.location, r.area, r.sourceId, r.sourceName, r.clockOffset, r.message]))
        .join('')
    )
  }

  jsonl(): string {
    return this.rows.map((r) => `${canonicalJson(r)}\n`).join('')
  }

  html(meta: { caseName: string; exportId: string; generatedAt: string; examiner: string; recipient: string; purpose: string; tool: string }): string {
    return accessAuditHtml(this, meta)
  }
}

const esc = (v: unknown): string =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)

const MAX_TABLE_ROWS = 2000

const CSS = `
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; font: 14px/1.45 system-ui, sans-serif; color: #1b1f24; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #1b1f24; }
table { width: 100%; border-collapse: collapse; font-size: .85rem; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .25rem .4rem; border-bottom: 1px solid #d0d7de; overflow-wrap: anywhere; }
thead th { border-bottom: 2px solid #1b1f24; }
.num { text-align: right; } .note { color: #57606a; } .mono { font-family: ui-monospace, monospace; font-size: .8rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dt { font-weight: 600; } dd { margin: 0; }
@media print { body { max-width: none; padding: 0; font-size: 9.5pt; } thead { display: table-header-group; } tr { break-inside: avoid; } }
`

function eventTable(rows: AuditRow[], empty: string): string {
  if (rows.length === 0) return `<p class="note">${esc(empty)}</p>`
  const shown = rows.slice(0, MAX_TABLE_ROWS)
  const more = rows.length > shown.length ? `<p class="note">${rows.length - shown.length} more rows are in data/events/access-audit.csv.</p>` : ''
  return `<table><thead><tr><th>Time (case zone)</th><th>Time (UTC)</th><th>Who</th><th>Card</th><th>Where</th><th>Event</th><th>Source</th></tr></thead><tbody>
${shown
  .map(
    (r) =>
      `<tr><td>${esc(r.weekday)} ${esc(r.local)}</td><td class="mono">${esc(r.ts)}</td><td>${esc(r.actor ?? '—')}</td><td>${esc(r.actorId ?? '—')}</td><td>${esc(r.location ?? '—')}</td><td>${esc(r.action)}<br><span class="note">${esc(r.message)}</span></td><td>${esc(r.sourceName)}</td></tr>`
  )
  .join('\n')}
</tbody></table>${more}`
}

function accessAuditHtml(b: AccessAuditBuilder, meta: { caseName: string; exportId: string; generatedAt: string; examiner: string; recipient: string; purpose: string; tool: string }): string {
  const o = b.options
  const by = (s: AuditSection): AuditRow[] => b.rows.filter((r) => r.section === s)
  const granted = by('granted')
  const afterHours = granted.filter((r) => r.afterHours)
  const doors = new Map<string, { granted: number; denied: number; forced: number; held: number; alarm: number; afterHours: number; other: number }>()
  for (const r of b.rows) {
    const key = r.location ?? '(no location)'
    const d = doors.get(key) ?? { granted: 0, denied: 0, forced: 0, held: 0, alarm: 0, afterHours: 0, other: 0 }
    d[r.section]++
    if (r.section === 'granted' && r.afterHours) d.afterHours++
    doors.set(key, d)
  }
  const dayNames = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']
  const hours = `${o.workingHours.days.map((d) => dayNames[d - 1]).join(', ') || 'no days'} ${o.workingHours.start}–${o.workingHours.end} (${o.zone})`
  const coverage = (door: string): string => {
    const cams = o.doorCameras.get(door) ?? []
    return cams.length ? esc(cams.join(', ')) : '<span class="note">no camera associated</span>'
  }
  const doorRows = [...doors.entries()]
    .sort(([a], [b2]) => a.localeCompare(b2))
    .map(
      ([door, d]) =>
        `<tr><td>${esc(door)}</td><td class="num">${d.granted}</td><td class="num">${d.denied}</td><td class="num">${d.forced}</td><td class="num">${d.held}</td><td class="num">${d.afterHours}</td><td class="num">${d.alarm}</td><td>${coverage(door)}</td></tr>`
    )
    .join('\n')
  const offsets = o.sources
    .map((s) => `<tr><td>#${s.id}</td><td>${esc(s.fileName)}</td><td>${esc(s.format)}</td><td>${esc(s.timeZone)}</td><td>${esc(formatClockOffset(s.clockOffsetUs))}</td></tr>`)
    .join('\n')
  const summary: [string, string][] = [
    ['Case', esc(meta.caseName)],
    ['Period', `${esc(o.from ?? 'the first event')} up to (not including) ${esc(o.to ?? 'the last event')}`],
    ['Areas', o.areas.length ? o.areas.map((a) => esc(a)).join('; ') + ' <span class="note">(each matched exactly or as the start of a location, ignoring case)</span>' : 'every door'],
    ['Working hours', esc(hours)],
    ['Counts', `${granted.length} granted, ${by('denied').length} denied, ${by('forced').length} forced, ${by('held').length} held open, ${afterHours.length} granted outside working hours, ${by('alarm').length} other alarms`],
    ['Examiner', esc(meta.examiner)],
    ['Recipient', esc(meta.recipient || '(not stated)')],
    ['Purpose', esc(meta.purpose || '(not stated)')],
    ['Export', `<span class="mono">${esc(meta.exportId)}</span>, ${esc(meta.generatedAt)}`]
  ]
  const csp = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="referrer" content="no-referrer">
<title>Access audit — ${esc(meta.caseName)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>Access audit</h1><p class="note">${esc(meta.caseName)} · ${esc(meta.tool)}. Hashes, signature and custody of this bag: see index.html beside this page.</p></header>
<main>
<section id="audit-summary" aria-labelledby="a-summary"><h2 id="a-summary">1. Summary</h2>
<dl>${summary.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${v}</dd>`).join('')}</dl></section>
<section id="audit-doors" aria-labelledby="a-doors"><h2 id="a-doors">2. Doors and camera coverage</h2>
${doorRows ? `<table><thead><tr><th>Door</th><th>Granted</th><th>Denied</th><th>Forced</th><th>Held</th><th>Granted after hours</th><th>Other alarms</th><th>Camera coverage</th></tr></thead><tbody>${doorRows}</tbody></table>` : '<p class="note">No access events in this period and these areas.</p>'}
</section>
<section id="audit-granted" aria-labelledby="a-granted"><h2 id="a-granted">3. Entries (access granted)</h2>${eventTable(granted, 'No access was granted.')}</section>
<section id="audit-denied" aria-labelledby="a-denied"><h2 id="a-denied">4. Denied attempts</h2>${eventTable(by('denied'), 'No attempt was denied.')}</section>
<section id="audit-forced" aria-labelledby="a-forced"><h2 id="a-forced">5. Forced and held doors</h2>${eventTable([...by('forced'), ...by('held')].sort((x, y) => x.ts.localeCompare(y.ts)), 'No door was forced or held open.')}</section>
<section id="audit-after-hours" aria-labelledby="a-after"><h2 id="a-after">6. Access outside working hours</h2><p>Working hours: ${esc(hours)}.</p>${eventTable(afterHours, 'No access was granted outside working hours.')}</section>
<section id="audit-alarms" aria-labelledby="a-alarms"><h2 id="a-alarms">7. Other alarms (tailgating, tamper, offline)</h2>${eventTable(by('alarm'), 'None.')}</section>
<section id="audit-clocks" aria-labelledby="a-clocks"><h2 id="a-clocks">8. Clock offsets in force</h2>
<p>Times above already include the clock offset the examiner applied to each source; the source-clock times are kept in data/events/events.jsonl.</p>
${offsets ? `<table><thead><tr><th>Source</th><th>File</th><th>Format</th><th>Zone of zone-less stamps</th><th>Offset applied</th></tr></thead><tbody>${offsets}</tbody></table>` : '<p class="note">No sources.</p>'}
</section>
</main>
</body>
</html>
`
}
