// Rule 8: around an IT alert — an IDS alert, a burst of failed logons, an anti-virus
// detection, a cleared audit log (1102 / 104) — who was physically present (granted badges
// in the window), which doors they used and which cameras cover those doors.
import { microsToIso } from '@shared/time'
import { describeCameras } from '../cameraLookup'
import { MIN_US, PERSON_OF_BADGE_SQL, bursts, personCardJoin, groupPush, personNames, type FindingDraft, type Rule } from './common'

/** Alert actions by what they mean; AV detections are Defender 1116/1117 and named detections. */
const ALERT_ACTIONS: Record<string, string> = {
  alert: 'IDS alert',
  'audit-log-cleared': 'security audit log cleared (1102)',
  'log-cleared': 'event log cleared (104)',
  'event-1116': 'anti-virus detection (Defender 1116)',
  'event-1117': 'anti-virus action (Defender 1117)',
  'malware-detected': 'anti-virus detection',
  'virus-detected': 'anti-virus detection',
  'threat-detected': 'anti-virus detection'
}

interface Alert { ids: number[]; ts: number; end: number; what: string; where: string | null }

export const itAlertPresence: Rule = {
  id: 'it-alert-presence',
  run({ db, settings, cameras }) {
    const alerts: Alert[] = []
    const single = db
      .prepare(
        `SELECT id, ts, action, COALESCE(host, dst_ip, src_ip) AS where_ FROM event
          WHERE category IN ('network', 'system', 'other', 'process') AND action IN (SELECT value FROM json_each(@actions)) ORDER BY action, where_, ts`
      )
      .all({ actions: JSON.stringify(Object.keys(ALERT_ACTIONS)) }) as { id: number; ts: number; action: string; where_: string | null }[]
    const win = Math.round(settings.alertWindowMinutes * MIN_US)
    // Alerts of one kind on one host within the window are one incident.
    const kinds = new Map<string, typeof single>()
    for (const a of single) groupPush(kinds, `${a.action}|${a.where_}`, a)
    for (const list of kinds.values()) {
      for (const b of bursts(list, win)) alerts.push({ ids: b.map((a) => a.id), ts: b[0]!.ts, end: b[b.length - 1]!.ts, what: ALERT_ACTIONS[b[0]!.action]!, where: b[0]!.where_ })
    }
    // Failed-logon bursts: at least `failedBurstThreshold` failures on one host within `failedBurstMinutes`.
    const failures = db
      .prepare(`SELECT id, ts, COALESCE(host, actor) AS where_ FROM event INDEXED BY event_auth_by_actor WHERE category = 'auth' AND outcome = 'failure' ORDER BY where_, ts`)
      .all() as { id: number; ts: number; where_: string | null }[]
    const burstUs = Math.round(settings.failedBurstMinutes * MIN_US)
    const perHost = new Map<string, typeof failures>()
    for (const f of failures) groupPush(perHost, f.where_ ?? '', f)
    for (const list of perHost.values()) {
      for (const b of bursts(list, burstUs)) {
        if (b.length < settings.failedBurstThreshold) continue
        alerts.push({ ids: b.map((f) => f.id), ts: b[0]!.ts, end: b[b.length - 1]!.ts, what: `${b.length} failed logons`, where: b[0]!.where_ })
      }
    }

    const people = personNames(db)
    // Rows as arrays, not objects: a window in a busy hour holds thousands of badges.
    const present = db
      .prepare(
        // Badges of no known person are dropped below, not in SQL: "WHERE person_id IS NOT NULL"
        // would look the person up twice per badge.
        `SELECT e.id, ${PERSON_OF_BADGE_SQL('e', 'c')} AS person_id, e.location FROM event e
           INDEXED BY event_badge ${personCardJoin('e', 'c')} WHERE e.category = 'access' AND e.action = 'granted' AND e.ts BETWEEN ? AND ? ORDER BY e.ts`
      )
      .raw()
    const out: FindingDraft[] = []
    for (const a of alerts) {
      const names = new Set<string>()
      const places = new Set<string>()
      const badgeIds: number[] = []
      for (const [id, personId, location] of present.all(a.ts - win, a.end + win) as [number, number | null, string | null][]) {
        if (personId === null) continue
        names.add(people.get(personId)?.name ?? `person #${personId}`)
        if (location !== null) places.add(location)
        if (badgeIds.length < 50) badgeIds.push(id)
      }
      if (badgeIds.length === 0) continue
      const who = [...names]
      const doors = [...places]
      const camInfos = [...new Map(doors.flatMap((d) => cameras.camerasFor(d)).map((c) => [c.id, c])).values()]
      const cams = camInfos.map((c) => c.name)
      out.push({
        rule: 'it-alert-presence',
        key: `it-alert-presence|${a.ids[0]}`,
        severity: a.what.includes('cleared') || a.what.includes('anti-virus') ? 'high' : 'medium',
        tsUs: a.ts,
        endUs: a.end,
        title: `${a.what}${a.where ? ` on ${a.where}` : ''}: ${who.length} ${who.length === 1 ? 'person' : 'people'} on site`,
        explanation: `${a.what}${a.where ? ` on ${a.where}` : ''} at ${microsToIso(a.ts)}. Within ${settings.alertWindowMinutes} min of it, ${who.join(', ')} badged in at ${doors.join(', ') || 'unnamed doors'}.${cams.length ? ` Cameras covering those doors: ${describeCameras(camInfos)}.` : ''}`,
        subjects: [...(a.where ? [a.where] : []), ...who, ...doors],
        eventIds: [...a.ids.slice(0, 50), ...badgeIds],
        cameras: cams,
        links: []
      })
    }
    return out
  }
}
