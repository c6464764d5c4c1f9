// Sites and doors from badge data (with their readers), and cameras when the case has them.
// A badge event's location is "site / door" (see ingest/formats/badge/accessEvent.ts); the
// site is the part before the first " / ".
import type { Place } from '@shared/contracts/correlation'
import { microsToIso } from '@shared/time'
import type { Db } from '../case/database'
import { cameraLookup } from './cameraLookup'

/** SQL for the site part of e.location ("HQ / Lobby" → "HQ"; no " / " → NULL). */
export const SITE_SQL = (col: string): string => `CASE WHEN instr(${col}, ' / ') > 0 THEN substr(${col}, 1, instr(${col}, ' / ') - 1) ELSE NULL END`

export function siteOf(location: string | null): string | null {
  if (!location) return null
  const i = location.indexOf(' / ')
  return i > 0 ? location.slice(0, i) : null
}

export function rebuildPlaces(db: Db): number {
  const rows = db
    .prepare(
      `SELECT location, json_extract(fields, '$.reader') AS reader, COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last
         FROM event WHERE category = 'access' AND location IS NOT NULL GROUP BY location, reader`
    )
    .all() as { location: string; reader: string | null; n: number; first: number; last: number }[]
  interface Acc { name: string; site: string | null; location: string | null; readers: Set<string>; n: number; first: number; last: number }
  const doors = new Map<string, Acc>()
  const sites = new Map<string, Acc>()
  const add = (map: Map<string, Acc>, key: string, init: () => Acc, r: (typeof rows)[number]): void => {
    let a = map.get(key)
    if (!a) map.set(key, (a = init()))
    if (r.reader) a.readers.add(r.reader)
    a.n += r.n
    a.first = Math.min(a.first, r.first)
    a.last = Math.max(a.last, r.last)
  }
  for (const r of rows) {
    const site = siteOf(r.location)
    const name = site ? r.location.slice(site.length + 3) : r.location
    add(doors, r.location, () => ({ name, site, location: r.location, readers: new Set(), n: 0, first: r.first, last: r.last }), r)
    if (site) add(sites, site, () => ({ name: site, site: null, location: null, readers: new Set(), n: 0, first: r.first, last: r.last }), { ...r, reader: null })
  }
  db.transaction(() => {
    db.exec('DELETE FROM place')
    const ins = db.prepare('INSERT INTO place (kind, name, site, location, readers, events, first_us, last_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    for (const s of sites.values()) ins.run('site', s.name, null, null, '[]', s.n, s.first, s.last)
    for (const d of doors.values()) ins.run('door', d.name, d.site, d.location, JSON.stringify([...d.readers].sort()), d.n, d.first, d.last)
    for (const c of cameraLookup(db).all()) ins.run('camera', c.name, null, null, '[]', 0, null, null)
  })()
  return sites.size + doors.size
}

export function listPlaces(db: Db): Place[] {
  const cams = cameraLookup(db)
  const rows = db.prepare("SELECT * FROM place ORDER BY CASE kind WHEN 'site' THEN 0 WHEN 'door' THEN 1 ELSE 2 END, site, name").all() as {
    kind: Place['kind']; name: string; site: string | null; location: string | null; readers: string; events: number; first_us: number | null; last_us: number | null
  }[]
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    site: r.site,
    location: r.location,
    readers: JSON.parse(r.readers) as string[],
    events: r.events,
    firstTs: r.first_us === null ? null : microsToIso(r.first_us),
    lastTs: r.last_us === null ? null : microsToIso(r.last_us),
    cameras: r.location ? cams.camerasFor(r.location).map((c) => c.name) : []
  }))
}
