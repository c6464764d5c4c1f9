// Rule 1: repeated access denied for one credential (card or name) or at one door within a
// window: someone trying a card that does not work, or many cards tried at one door.
import { microsToIso } from '@shared/time'
import { MIN_US, fmtMinutes, type FindingDraft, type Rule } from './common'

interface Denied { id: number; ts: number; cred: string | null; location: string | null; reason: string | null }

/** Maximal runs with at least `threshold` events, each within `windowUs` of the run's first. */
function clusters(items: Denied[], threshold: number, windowUs: number): Denied[][] {
  const out: Denied[][] = []
  let i = 0
  while (i < items.length) {
    let j = i
    while (j + 1 < items.length && items[j + 1]!.ts - items[i]!.ts <= windowUs) j++
    if (j - i + 1 >= threshold) {
      // Absorb the rest of the burst: later denials within a window of the previous one.
      while (j + 1 < items.length && items[j + 1]!.ts - items[j]!.ts <= windowUs) j++
      out.push(items.slice(i, j + 1))
      i = j + 1
    } else i++
  }
  return out
}

export const deniedRepeat: Rule = {
  id: 'denied-repeat',
  run({ db, settings }) {
    const rows = db
      .prepare(
        `SELECT id, ts, COALESCE(actor_id, actor) AS cred, location, json_extract(fields, '$.reason') AS reason
           FROM event WHERE category = 'access' AND action = 'denied' ORDER BY ts, id`
      )
      .all() as Denied[]
    const windowUs = settings.deniedWindowMinutes * MIN_US
    const thr = settings.deniedThreshold
    const group = (key: (d: Denied) => string | null): Map<string, Denied[]> => {
      const m = new Map<string, Denied[]>()
      for (const d of rows) {
        const k = key(d)
        if (k === null) continue
        const l = m.get(k) ?? []
        l.push(d)
        m.set(k, l)
      }
      return m
    }
    const out: FindingDraft[] = []
    const actorOf = db.prepare('SELECT actor, actor_id FROM event WHERE id = ?')
    for (const [cred, list] of group((d) => d.cred)) {
      for (const c of clusters(list, thr, windowUs)) {
        const a = actorOf.get(c[0]!.id) as { actor: string | null; actor_id: string | null }
        const who = a.actor ? `${a.actor}${a.actor_id ? ` (card ${a.actor_id})` : ''}` : `card ${cred}`
        const doors = [...new Set(c.map((d) => d.location).filter((l): l is string => l !== null))]
        const reasons = [...new Set(c.map((d) => d.reason).filter(Boolean))]
        const minutes = Math.max(1, Math.round((c[c.length - 1]!.ts - c[0]!.ts) / MIN_US))
        out.push({
          rule: 'denied-repeat',
          key: `denied-repeat|cred|${cred}|${c[0]!.id}`,
          severity: c.length >= thr * 2 ? 'high' : 'medium',
          tsUs: c[0]!.ts,
          endUs: c[c.length - 1]!.ts,
          title: `${c.length} denied badge attempts by ${who}`,
          explanation: `${who} was denied ${c.length} times in ${minutes} min (${microsToIso(c[0]!.ts)} → ${microsToIso(c[c.length - 1]!.ts)}) at ${doors.join(', ') || 'an unnamed door'}${reasons.length ? `; reasons: ${reasons.join(', ')}` : ''}. The threshold is ${thr} denials within ${fmtMinutes(settings.deniedWindowMinutes)}.`,
          subjects: [a.actor ?? `card ${cred}`, ...doors],
          eventIds: c.map((d) => d.id),
          cameras: [],
          links: []
        })
      }
    }
    for (const [door, list] of group((d) => d.location)) {
      for (const c of clusters(list, thr, windowUs)) {
        const creds = new Set(c.map((d) => d.cred))
        // One credential's burst at one door is already a credential finding.
        if (creds.size < 2) continue
        out.push({
          rule: 'denied-repeat',
          key: `denied-repeat|door|${door}|${c[0]!.id}`,
          severity: 'medium',
          tsUs: c[0]!.ts,
          endUs: c[c.length - 1]!.ts,
          title: `${c.length} denied badge attempts at ${door}`,
          explanation: `${c.length} denials with ${creds.size} different credentials at ${door} within ${fmtMinutes(settings.deniedWindowMinutes)} windows, starting ${microsToIso(c[0]!.ts)}. The threshold is ${thr}.`,
          subjects: [door],
          eventIds: c.map((d) => d.id),
          cameras: [],
          links: []
        })
      }
    }
    return out
  }
}
