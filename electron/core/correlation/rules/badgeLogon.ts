// Rule 4: physical and logical presence disagree.
//  a) A badge-in (the first granted badge after `arrivalGapHours` without one) with no
//     successful logon or sign-in by any of the person's identities within the window after.
//  b) An interactive / console logon (logon types in settings) by a person's identity with
//     no granted badge of theirs in the `badgeLookbackHours` before it.
// Only people with at least one (non-rejected) linked identity are considered.
import { microsToIso } from '@shared/time'
import { HOUR_US, MIN_US, bursts, fmtMinutes, groupPush, personIdentities, personNames, type FindingDraft, type Rule } from './common'

export const badgeLogon: Rule = {
  id: 'badge-logon',
  run({ db, settings }) {
    const gap = Math.round(settings.arrivalGapHours * HOUR_US)
    const win = Math.round(settings.logonWindowMinutes * MIN_US)
    const lookback = Math.round(settings.badgeLookbackHours * HOUR_US)
    const people = personNames(db)
    const idents = personIdentities(db)
    const out: FindingDraft[] = []

    // Arrivals: no granted badge of the person in the `gap` before (ties in time ordered by id).
    // One seek per badge in corr_badge (clustered by person and time): cheaper than a LAG
    // window, which copies every row through a temporary table.
    const arrivals = db
      .prepare(
        `SELECT b.id, b.ts, b.person_id, (SELECT location FROM event WHERE id = b.id) AS location FROM corr_badge b
          WHERE b.person_id IN (SELECT person_id FROM corr_ident)
            AND NOT EXISTS (SELECT 1 FROM corr_badge p WHERE p.person_id = b.person_id AND p.ts BETWEEN b.ts - @gap AND b.ts AND (p.ts < b.ts OR p.id < b.id))
            AND NOT EXISTS (SELECT 1 FROM corr_ident i JOIN event e INDEXED BY event_auth_by_actor ON e.actor = i.value
                             WHERE i.person_id = b.person_id AND e.ts BETWEEN b.ts AND b.ts + @win
                               AND e.category = 'auth' AND e.outcome = 'success')
          ORDER BY b.ts, b.id`
      )
      .all({ gap, win }) as { id: number; ts: number; person_id: number; location: string | null }[]
    for (const a of arrivals) {
      const p = people.get(a.person_id)
      const ids = idents.get(a.person_id) ?? []
      const who = p?.name ?? `person #${a.person_id}`
      out.push({
        rule: 'badge-logon',
        key: `badge-logon|badge|${p?.key ?? a.person_id}|${a.id}`,
        severity: 'low',
        tsUs: a.ts,
        endUs: a.ts + win,
        title: `${who} badged in but did not log on`,
        explanation: `${who} badged in at ${a.location ?? 'an unnamed door'} at ${microsToIso(a.ts)} (first badge in ${settings.arrivalGapHours} h) and none of their accounts (${ids.map((i) => i.value).join(', ')}) logged on or signed in within ${fmtMinutes(settings.logonWindowMinutes)}. Someone else may be using the card, or the person did not use IT.`,
        subjects: [who, ...ids.map((i) => i.value)],
        eventIds: [a.id],
        cameras: [],
        links: ids.map((i) => [i.key, i.value])
      })
    }

    const types = settings.consoleLogonTypes
    // Successful logons by linked accounts with no badge before them, read from the covering
    // index; the logon type (in the event's fields) is read only for those few.
    const logons = db
      .prepare(
        `WITH cand AS MATERIALIZED (
           SELECT e.id, e.ts, e.actor, e.host, i.person_id, i.person_key, i.confirmed
             FROM corr_ident i JOIN event e INDEXED BY event_auth_by_actor ON e.actor = i.value
            WHERE e.category = 'auth' AND e.action = 'logon' AND e.outcome = 'success'
              AND NOT EXISTS (SELECT 1 FROM corr_badge b WHERE b.person_id = i.person_id AND b.ts BETWEEN e.ts - @lookback AND e.ts))
         SELECT c.* FROM cand c JOIN event e ON e.id = c.id
          WHERE json_extract(e.fields, '$.LogonType') IN (SELECT value FROM json_each(@types))
          ORDER BY c.person_id, c.ts`
      )
      .all({ types: JSON.stringify(types), lookback }) as { id: number; ts: number; actor: string; host: string | null; person_id: number; person_key: string; confirmed: number }[]
    const byPerson = new Map<number, typeof logons>()
    for (const l of logons) groupPush(byPerson, l.person_id, l)
    for (const list of byPerson.values()) {
      // Logons of one person within the lookback of each other are one finding.
      for (const b of bursts(list, lookback)) {
        const first = b[0]!
        const who = people.get(first.person_id)?.name ?? `person #${first.person_id}`
        const hosts = [...new Set(b.map((l) => l.host).filter((h): h is string => h !== null))]
        out.push({
          rule: 'badge-logon',
          key: `badge-logon|console|${first.person_key}|${first.id}`,
          severity: 'high',
          tsUs: first.ts,
          endUs: b[b.length - 1]!.ts,
          title: `${first.actor} logged on at the console without ${who} badging in`,
          explanation: `${first.actor} logged on interactively (at the keyboard) on ${hosts.join(', ') || 'an unnamed host'} at ${microsToIso(first.ts)}${b.length > 1 ? ` (${b.length} logons)` : ''}, but ${who} has no granted badge in the ${settings.badgeLookbackHours} h before. Someone else may be using the account, or the person came in without badging (tailgating).`,
          subjects: [who, first.actor, ...hosts],
          eventIds: b.map((l) => l.id),
          cameras: [],
          links: [...new Set(b.map((l) => l.actor))].map((v) => [first.person_key, v])
        })
      }
    }
    return out
  }
}
