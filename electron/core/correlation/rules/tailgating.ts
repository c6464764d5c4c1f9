// Rule 7: tailgating signs. Vendor tailgate events; and door openings that no grant (or exit
// request) at that door accounts for. Each grant accounts for one opening, so two openings
// after one grant (more entries than grants) leave the second unmatched.
import { microsToIso } from '@shared/time'
import { describeCameras } from '../cameraLookup'
import { MIN_US, bursts, groupPush, type FindingDraft, type Rule } from './common'

export const tailgating: Rule = {
  id: 'tailgating',
  run({ db, settings, cameras }) {
    const out: FindingDraft[] = []
    const vendor = db
      .prepare(`SELECT id, ts, location, actor FROM event WHERE category = 'access' AND action = 'tailgating' ORDER BY ts`)
      .all() as { id: number; ts: number; location: string | null; actor: string | null }[]
    for (const v of vendor) {
      const door = v.location ?? 'an unnamed door'
      const cams = v.location ? cameras.camerasFor(v.location) : []
      out.push({
        rule: 'tailgating',
        key: `tailgating|vendor|${door}|${v.id}`,
        severity: 'high',
        tsUs: v.ts,
        endUs: v.ts,
        title: `Tailgating reported at ${door}`,
        explanation: `The access system reported tailgating at ${door} at ${microsToIso(v.ts)}${v.actor ? ` (after ${v.actor})` : ''}.${cams.length ? ` Look at ${describeCameras(cams)}.` : ''}`,
        subjects: [door, ...(v.actor ? [v.actor] : [])],
        eventIds: [v.id],
        cameras: cams.map((c) => c.name),
        links: []
      })
    }

    // Openings, and only the grants / exit requests that fall in the window before one of them.
    const matchUs = settings.tailgateMatchSeconds * 1_000_000
    const rows = db
      .prepare(
        `SELECT DISTINCT * FROM (
           SELECT o.id, o.ts, o.action, o.location FROM event o WHERE o.category = 'access' AND o.action = 'door-opened' AND o.location IS NOT NULL
           UNION ALL
           SELECT g.id, g.ts, g.action, g.location FROM event o JOIN event g INDEXED BY event_by_location ON g.location = o.location AND g.ts BETWEEN o.ts - @m AND o.ts
            WHERE o.category = 'access' AND o.action = 'door-opened' AND g.category = 'access' AND g.action IN ('granted', 'request-to-exit'))
          ORDER BY location, ts, action = 'door-opened', id`
      )
      .all({ m: matchUs }) as { id: number; ts: number; action: string; location: string }[]
    const byDoor = new Map<string, typeof rows>()
    for (const r of rows) groupPush(byDoor, r.location, r)
    for (const [door, list] of byDoor) {
      const unmatched: { id: number; ts: number; grant: number | null }[] = []
      // Grants in the last window, oldest first; each accounts for one opening.
      const grants: { id: number; ts: number; used: boolean }[] = []
      for (const r of list) {
        while (grants.length && r.ts - grants[0]!.ts > matchUs) grants.shift()
        if (r.action !== 'door-opened') {
          grants.push({ id: r.id, ts: r.ts, used: false })
          continue
        }
        const g = grants.find((x) => !x.used)
        if (g) g.used = true
        // An opening after a grant that an earlier opening already used: more entries than grants.
        else unmatched.push({ id: r.id, ts: r.ts, grant: grants.length ? grants[grants.length - 1]!.id : null })
      }
      for (const b of bursts(unmatched, MIN_US)) {
        const first = b[0]!
        const cams = cameras.camerasFor(door)
        const ids = [...new Set([...(first.grant !== null ? [first.grant] : []), ...b.map((u) => u.id)])]
        out.push({
          rule: 'tailgating',
          key: `tailgating|opening|${door}|${first.id}`,
          severity: 'medium',
          tsUs: first.ts,
          endUs: b[b.length - 1]!.ts,
          title: `${door} opened ${b.length === 1 ? 'once' : `${b.length} times`} without a grant`,
          explanation: `${door} opened at ${microsToIso(first.ts)}${b.length > 1 ? ` (${b.length} openings)` : ''} with no access grant or exit request at that door in the ${settings.tailgateMatchSeconds} s before${first.grant !== null ? ' that an earlier opening had not already used: more entries than grants' : ''}.${cams.length ? ` Look at ${describeCameras(cams)}.` : ''}`,
          subjects: [door],
          eventIds: ids,
          cameras: cams.map((c) => c.name),
          links: []
        })
      }
    }
    return out
  }
}
