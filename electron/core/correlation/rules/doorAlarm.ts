// Rule 2: door forced open, held open or tampered with, with the cameras that cover that door.
import { microsToIso } from '@shared/time'
import { describeCameras } from '../cameraLookup'
import { MIN_US, bursts, groupPush, type FindingDraft, type Rule } from './common'

const LABEL: Record<string, string> = { 'forced-open': 'forced open', 'held-open': 'held open', tamper: 'tampered with' }

export const doorAlarm: Rule = {
  id: 'door-alarm',
  run({ db, cameras }) {
    const rows = db
      .prepare(
        `SELECT id, ts, action, COALESCE(location, json_extract(fields, '$.panel'), 'unnamed door') AS door
           FROM event WHERE category = 'access' AND action IN ('forced-open', 'held-open', 'tamper') ORDER BY door, action, ts`
      )
      .all() as { id: number; ts: number; action: string; door: string }[]
    const groups = new Map<string, typeof rows>()
    for (const r of rows) {
      const k = `${r.door}\u0000${r.action}`
      groupPush(groups, k, r)
    }
    const out: FindingDraft[] = []
    for (const list of groups.values()) {
      // Repeats of one alarm at one door within 5 minutes are one incident.
      for (const b of bursts(list, 5 * MIN_US)) {
        const first = b[0]!
        const cams = cameras.camerasFor(first.door)
        const camText = cams.length
          ? `Look at ${describeCameras(cams)} around ${microsToIso(first.ts)}.`
          : 'No camera is associated with this door.'
        out.push({
          rule: 'door-alarm',
          key: `door-alarm|${first.door}|${first.action}|${first.id}`,
          severity: first.action === 'held-open' ? 'medium' : 'high',
          tsUs: first.ts,
          endUs: b[b.length - 1]!.ts,
          title: `${first.door} ${LABEL[first.action] ?? first.action}${b.length > 1 ? ` (${b.length}×)` : ''}`,
          explanation: `The access system reported ${first.door} ${LABEL[first.action] ?? first.action} at ${microsToIso(first.ts)}${b.length > 1 ? `, ${b.length} times within minutes` : ''}. ${camText}`,
          subjects: [first.door],
          eventIds: b.map((r) => r.id),
          cameras: cams.map((c) => c.name),
          links: []
        })
      }
    }
    return out
  }
}
