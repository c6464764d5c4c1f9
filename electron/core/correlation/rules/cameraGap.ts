// Rule 9: cameras that should show a door event but cannot — no recording covers the event
// time — and cameras whose clock offset was never measured, so their footage time is unsure.
import { microsToIso } from '@shared/time'
import { describeCameras } from '../cameraLookup'
import type { FindingDraft, Rule } from './common'

export const cameraGap: Rule = {
  id: 'camera-gap',
  run({ db, settings, cameras }) {
    if (!cameras.available) return []
    const rows = db
      .prepare(
        `SELECT id, ts, action, location FROM event
          WHERE category = 'access' AND action IN ('forced-open', 'held-open', 'tamper', 'tailgating', 'denied') AND location IS NOT NULL ORDER BY ts`
      )
      .all() as { id: number; ts: number; action: string; location: string }[]
    const w = settings.cameraWindowSeconds * 1_000_000
    const out: FindingDraft[] = []
    const unknownClock = new Map<string, { ids: number[]; first: number; last: number; doors: Set<string>; association: Set<string> }>()
    for (const r of rows) {
      for (const cam of cameras.camerasFor(r.location)) {
        const covered = cameras.covers(cam.id, r.ts - w, r.ts + w)
        if (!covered) {
          out.push({
            rule: 'camera-gap',
            key: `camera-gap|${cam.name}|${r.id}`,
            severity: r.action === 'denied' ? 'low' : 'medium',
            tsUs: r.ts,
            endUs: r.ts,
            title: `${cam.name} has no footage of ${r.action} at ${r.location}`,
            explanation: `${describeCameras([cam])} covers ${r.location}, but no placed recording of it spans ${microsToIso(r.ts - w)} → ${microsToIso(r.ts + w)} around the ${r.action} event (times with its clock offset applied${cam.clockOffsetKnown ? '' : ', which was never measured'}).${cam.unplacedFiles ? ` ${cam.unplacedFiles} file${cam.unplacedFiles === 1 ? '' : 's'} of this camera ${cam.unplacedFiles === 1 ? 'is' : 'are'} not placed yet: place ${cam.unplacedFiles === 1 ? 'it' : 'them'} first.` : ''} Ask for the footage or check whether the camera was recording.`,
            subjects: [cam.name, r.location],
            eventIds: [r.id],
            cameras: [cam.name],
            links: []
          })
        }
        if (!cam.clockOffsetKnown) {
          const u = unknownClock.get(cam.name) ?? { ids: [], first: r.ts, last: r.ts, doors: new Set<string>(), association: new Set<string>() }
          if (!u.doors.has(r.location)) u.association.add(`${r.location} (association ${cam.association ?? 'unknown'})`)
          u.ids.push(r.id)
          u.last = r.ts
          u.doors.add(r.location)
          unknownClock.set(cam.name, u)
        }
      }
    }
    for (const [name, u] of unknownClock) {
      out.push({
        rule: 'camera-gap',
        key: `camera-gap|clock|${name}`,
        severity: 'low',
        tsUs: u.first,
        endUs: u.last,
        title: `${name}: clock offset unknown`,
        explanation: `${name} covers ${[...u.association].join(', ')} where ${u.ids.length} door event${u.ids.length === 1 ? '' : 's'} happened, but its clock offset was never set or measured: its footage may be minutes away from the badge times. Measure the offset (a known event visible on camera) before relying on it.`,
        subjects: [name, ...u.doors],
        eventIds: u.ids.slice(0, 100),
        cameras: [name],
        links: []
      })
    }
    return out
  }
}
