// Rule 3: granted access outside the site's working hours or on a non-working day (in the
// site's own time zone; sites and hours are settings).
import type { SiteSettings } from '@shared/contracts/correlation'
import { microsToIso } from '@shared/time'
import { siteSettings } from '../ruleSettings'
import { HOUR_US, LocalClock, minutesOf, personNames, siteNames, type FindingDraft, type Rule } from './common'

export const afterHours: Rule = {
  id: 'after-hours',
  run({ db, settings }) {
    // SQL keeps only badges that are outside hours at some UTC offset the site's zone has in
    // the case's time span (a zone has one or two); the exact check in the zone follows below.
    const span = db.prepare('SELECT MIN(ts) AS lo, MAX(ts) AS hi FROM corr_badge').get() as { lo: number | null; hi: number | null }
    if (span.lo === null || span.hi === null) return []
    const clock0 = new LocalClock()
    const certainlyIn = (s: SiteSettings): string => {
      const offsets = new Set<number>()
      for (let t = span.lo!; t <= span.hi! + 6 * HOUR_US; t += 6 * HOUR_US) offsets.add(clock0.offsetMinutes(Math.min(t, span.hi!), s.timeZone))
      const start = minutesOf(s.workStart)
      const end = minutesOf(s.workEnd)
      return [...offsets]
        .map((o) => {
          const m = `((ts / 60000000 + ${o}) % 1440)`
          const hours = start <= end ? `${m} >= ${start} AND ${m} < ${end}` : `(${m} >= ${start} OR ${m} < ${end})`
          return `(${hours} AND ((ts / 60000000 + ${o}) / 1440 + 3) % 7 + 1 IN (${s.workDays.join(', ') || '0'}))`
        })
        .join(' AND ')
    }
    const names = siteNames(settings)
    const cases = names.map((name, i) => `WHEN ${i + 1} THEN ${certainlyIn(settings.sites[name]!)}`)
    const inHoursSql = cases.length ? `CASE site ${cases.join(' ')} ELSE ${certainlyIn(siteSettings(settings, null))} END` : certainlyIn(siteSettings(settings, null))
    const rows = db
      .prepare(
        // The door is read from the event, only for the badges that are out of hours.
        `SELECT c.id, c.ts, c.person_id, e.location, c.site FROM (SELECT id, ts, person_id, site FROM corr_badge WHERE NOT (${inHoursSql})) c
           JOIN event e ON e.id = c.id ORDER BY c.person_id, c.ts, c.id`
      )
      .all() as {
      id: number; ts: number; person_id: number; location: string | null; site: number | null
    }[]
    const clock = new LocalClock()
    const people = personNames(db)
    // One finding per person and local day: the first out-of-hours entry and the rest of that day's.
    const groups = new Map<string, { rows: typeof rows; why: string; date: string; zone: string }>()
    for (const r of rows) {
      const s = siteSettings(settings, r.site === null ? null : (names[r.site - 1] ?? null))
      const { minuteOfDay, isoWeekday, date } = clock.parts(r.ts, s.timeZone)
      const start = minutesOf(s.workStart)
      const end = minutesOf(s.workEnd)
      const inHours = start <= end ? minuteOfDay >= start && minuteOfDay < end : minuteOfDay >= start || minuteOfDay < end
      const workDay = s.workDays.includes(isoWeekday)
      if (inHours && workDay) continue
      const why = !workDay ? `on a non-working day (${['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][isoWeekday]})` : `outside working hours ${s.workStart}–${s.workEnd}`
      const k = `${r.person_id}|${date}`
      const g = groups.get(k)
      if (g) g.rows.push(r)
      else groups.set(k, { rows: [r], why, date, zone: s.timeZone })
    }
    const out: FindingDraft[] = []
    for (const g of groups.values()) {
      const first = g.rows[0]!
      const who = people.get(first.person_id)?.name ?? `person #${first.person_id}`
      const doors = [...new Set(g.rows.map((r) => r.location).filter((l): l is string => l !== null))]
      out.push({
        rule: 'after-hours',
        key: `after-hours|${people.get(first.person_id)?.key ?? first.person_id}|${g.date}`,
        severity: 'medium',
        tsUs: first.ts,
        endUs: g.rows[g.rows.length - 1]!.ts,
        title: `${who} badged in ${g.why}`,
        explanation: `${who} was granted access ${g.rows.length} time${g.rows.length === 1 ? '' : 's'} on ${g.date} (${g.zone}) ${g.why}, first at ${microsToIso(first.ts)} at ${doors[0] ?? 'an unnamed door'}${doors.length > 1 ? `; doors: ${doors.join(', ')}` : ''}.`,
        subjects: [who, ...doors],
        eventIds: g.rows.map((r) => r.id),
        cameras: [],
        links: []
      })
    }
    return out
  }
}
