// The shortcuts the rules take for speed on big cases, on a small case written straight into
// the database: stay ends of people seen at one site only (first and last badge) versus the
// ordered pass for people seen at several, a site without coordinates in between, arrivals
// found by seek (a second badge within the gap is not an arrival), and the door of an
// out-of-hours badge read back from its event.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RuleSettings, type Finding } from '../../../shared/contracts/correlation'
import { CaseFolder } from '../../../electron/core/case/caseFolder'
import { listFindings } from '../../../electron/core/correlation/findings'
import { writeRuleSettings } from '../../../electron/core/correlation/ruleSettings'
import { findingsStale, runCorrelation } from '../../../electron/core/correlation/rules'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-corr-paths-')
let folder: CaseFolder
let findings: Finding[] = []

interface Row { t: string; category: string; action: string; actor: string; card?: string; location?: string; host?: string; geo?: { lat: number; lon: number; city: string }; logonType?: string }

// Mon 4 – Tue 5 March 2024, UTC (London is on UTC then).
const ROWS: Row[] = [
  // Ann: at the London site all morning; a sign-in from Lisbon at 10:00 is 1,580 km from the
  // first badge of her stay an hour earlier (the 09:30 badge is inside the stay). From Lisbon
  // back to her 12:00 badge is two hours: 790 km/h, allowed.
  { t: '2024-03-04T09:00:00Z', category: 'access', action: 'granted', actor: 'Ann Lee', card: '5001', location: 'London / Lobby' },
  { t: '2024-03-04T09:05:00Z', category: 'auth', action: 'logon', actor: 'ann.lee', host: 'WS-ANN', logonType: '2' },
  { t: '2024-03-04T09:30:00Z', category: 'access', action: 'granted', actor: 'Ann Lee', card: '5001', location: 'London / Lab' },
  { t: '2024-03-04T10:00:00Z', category: 'auth', action: 'user.session.start', actor: 'ann.lee@corp.example', geo: { lat: 38.72, lon: -9.14, city: 'Lisbon' } },
  { t: '2024-03-04T12:00:00Z', category: 'access', action: 'granted', actor: 'Ann Lee', card: '5001', location: 'London / Lobby' },
  // Bob: one badge only (the first and the last of his stay); Lisbon ten hours later is no travel.
  { t: '2024-03-04T08:00:00Z', category: 'access', action: 'granted', actor: 'Bob Ray', card: '5002', location: 'London / Lobby' },
  { t: '2024-03-04T08:05:00Z', category: 'auth', action: 'logon', actor: 'bob.ray', host: 'WS-BOB', logonType: '3' },
  { t: '2024-03-04T18:00:00Z', category: 'auth', action: 'user.session.start', actor: 'bob.ray@corp.example', geo: { lat: 38.72, lon: -9.14, city: 'Lisbon' } },
  // Cat: London, a site with no coordinates, then Berlin 40 minutes after London: the
  // coordinate-less badge is skipped, London → Berlin is travel.
  { t: '2024-03-04T09:00:00Z', category: 'access', action: 'granted', actor: 'Cat Poe', card: '5003', location: 'London / Lobby' },
  { t: '2024-03-04T09:05:00Z', category: 'auth', action: 'logon', actor: 'cat.poe', host: 'WS-CAT', logonType: '3' },
  { t: '2024-03-04T09:20:00Z', category: 'access', action: 'granted', actor: 'Cat Poe', card: '5003', location: 'Depot / Gate' },
  { t: '2024-03-04T09:40:00Z', category: 'access', action: 'granted', actor: 'Cat Poe', card: '5003', location: 'Berlin / Entrance' },
  // Dan: badges in at 08:00 and never logs on that morning (an arrival without logon); his
  // 10:00 badge two hours later is not an arrival. Tuesday he logs on after badging in (no
  // finding); Tuesday 22:30 is out of hours and, 12 h after his last badge, an arrival too.
  { t: '2024-03-04T08:00:00Z', category: 'access', action: 'granted', actor: 'Dan Fox', card: '5004', location: 'London / Lobby' },
  { t: '2024-03-04T10:00:00Z', category: 'access', action: 'granted', actor: 'Dan Fox', card: '5004', location: 'London / Lab' },
  { t: '2024-03-05T08:00:00Z', category: 'access', action: 'granted', actor: 'Dan Fox', card: '5004', location: 'London / Lobby' },
  { t: '2024-03-05T08:10:00Z', category: 'auth', action: 'logon', actor: 'dan.fox', host: 'WS-DAN', logonType: '3' },
  { t: '2024-03-05T22:30:00Z', category: 'access', action: 'granted', actor: 'Dan Fox', card: '5004', location: 'London / Side Door' }
]

beforeAll(() => {
  folder = CaseFolder.create(join(tmp.path, 'case'), { name: 'Rule paths', examiner: 'Robin', timeZone: 'UTC' })
  const db = folder.db
  db.transaction(() => {
    const evidenceId = Number(
      db
        .prepare(
          `INSERT INTO evidence (sha256, size, original_name, original_path, acquired_us, examiner, workstation, tool, tool_version, acquired_via)
           VALUES (?, 1, 'rows.jsonl', '/test/rows.jsonl', 0, 'Robin', 'test', 'test', '0', 'file')`
        )
        .run('a'.repeat(64)).lastInsertRowid
    )
    const sourceId = Number(
      db
        .prepare(`INSERT INTO source (evidence_id, format, format_chosen_by, time_zone, imported_us, examiner, event_count, bad_count) VALUES (?, 'test', 'user', 'UTC', 0, 'Robin', ?, 0)`)
        .run(evidenceId, ROWS.length).lastInsertRowid
    )
    const ins = db.prepare(
      `INSERT INTO event (source_id, ts, source_ts, raw_time, category, action, outcome, actor, actor_id, host, src_ip, location, fields, message, ref_offset, ref_length, ref_line)
       VALUES (@source, @ts, @ts, @raw, @category, @action, 'success', @actor, @card, @host, @ip, @location, @fields, @message, @offset, 10, @line)`
    )
    ROWS.forEach((r, i) => {
      const fields = r.geo
        ? JSON.stringify({ client: { geographicalContext: { city: r.geo.city, geolocation: { lat: r.geo.lat, lon: r.geo.lon } } } })
        : r.logonType
          ? JSON.stringify({ LogonType: r.logonType })
          : null
      ins.run({
        source: sourceId, ts: Date.parse(r.t) * 1000, raw: r.t, category: r.category, action: r.action, actor: r.actor, card: r.card ?? null,
        host: r.host ?? null, ip: r.geo ? '198.51.100.7' : null, location: r.location ?? r.geo?.city ?? null, fields, message: `${r.action} ${r.actor}`, offset: i * 10, line: i + 1
      })
    })
  })()
  writeRuleSettings(
    db,
    RuleSettings.parse({
      sites: {
        London: { timeZone: 'Europe/London', lat: 51.5, lon: -0.12 },
        Berlin: { timeZone: 'Europe/Berlin', lat: 52.52, lon: 13.4 },
        Depot: { timeZone: 'Europe/London', workStart: '00:00', workEnd: '23:59', workDays: [1, 2, 3, 4, 5, 6, 7] }
      }
    }),
    'Robin',
    'test sites'
  )
  runCorrelation(db)
  findings = listFindings(db)
}, 60_000)
afterAll(() => {
  folder?.close()
  tmp.cleanup()
})

/** A finding's events as "time actor location-or-host" texts. */
function events(f: Finding): string[] {
  const stmt = folder.db.prepare('SELECT ts, actor, location, host FROM event WHERE id = ?')
  return f.eventIds.map((id) => {
    const e = stmt.get(id) as { ts: number; actor: string; location: string | null; host: string | null }
    return `${new Date(e.ts / 1000).toISOString().slice(0, 16)} ${e.actor} ${e.location ?? e.host ?? '-'}`
  })
}

describe('rule shortcuts on a small case', () => {
  it('links every person to their accounts (the rules below rest on those links)', () => {
    const n = folder.db.prepare("SELECT COUNT(*) AS n FROM person_link WHERE status <> 'rejected'").get() as { n: number }
    expect(n.n).toBe(6)
  })

  it('finds travel from the first badge of a one-site stay and across a site without coordinates', () => {
    const travel = findings.filter((f) => f.rule === 'impossible-travel').map((f) => events(f).join(' → ')).sort()
    expect(travel).toEqual([
      '2024-03-04T09:00 Ann Lee London / Lobby → 2024-03-04T10:00 ann.lee@corp.example Lisbon',
      '2024-03-04T09:00 Cat Poe London / Lobby → 2024-03-04T09:40 Cat Poe Berlin / Entrance'
    ])
  })

  it('reports an arrival only when no badge of the person comes within the gap before it', () => {
    const arrivals = findings.filter((f) => f.rule === 'badge-logon' && f.title.includes('did not log on')).map((f) => events(f)[0]).sort()
    expect(arrivals).toEqual(['2024-03-04T08:00 Dan Fox London / Lobby', '2024-03-05T22:30 Dan Fox London / Side Door'])
    const first = findings.find((f) => f.rule === 'badge-logon' && f.ts.startsWith('2024-03-04T08:00'))!
    expect(first.explanation).toContain('badged in at London / Lobby at 2024-03-04T08:00:00')
  })

  it('names the door of an out-of-hours badge', () => {
    const late = findings.filter((f) => f.rule === 'after-hours')
    expect(late.map((f) => f.subjects)).toEqual([['Dan Fox', 'London / Side Door']])
  })

  // Last: it changes the case.
  it('marks the findings stale when events are added, or removed below the highest id', () => {
    const db = folder.db
    expect(findingsStale(db)).toBe(false)
    const max = (db.prepare('SELECT MAX(id) AS m FROM event').get() as { m: number }).m
    db.prepare(
      `INSERT INTO event (source_id, ts, source_ts, raw_time, category, action, outcome, actor, message, ref_offset, ref_length)
       SELECT source_id, ts + 1, source_ts + 1, raw_time, category, action, outcome, actor, message, ref_offset, ref_length FROM event WHERE id = ?`
    ).run(max)
    expect(findingsStale(db)).toBe(true)
    runCorrelation(db, { entities: false })
    expect(findingsStale(db)).toBe(false)
    // The count goes down, the highest id stays.
    db.prepare('DELETE FROM event WHERE id = (SELECT MIN(id) FROM event)').run()
    expect(findingsStale(db)).toBe(true)
  })
})
