// Rule 6: impossible travel. A person's consecutive located events — granted badges at sites
// whose coordinates are set, and sign-ins by their identities that carry a geolocation —
// further apart than `maxSpeedKmh` allows in the time between them.
import { microsToIso } from '@shared/time'
import { haversineKm, personIdentities, personNames, type FindingDraft, type Rule } from './common'

/** Closer than this, geolocation of an address is too coarse to tell places apart. */
const MIN_DISTANCE_KM = 50

export const impossibleTravel: Rule = {
  id: 'impossible-travel',
  run({ db, settings }) {
    // no: the site's number in corr_badge (siteNames order).
    const sites = Object.entries(settings.sites)
      .map(([name, s], i) => ({ no: i + 1, name, lat: s.lat, lon: s.lon }))
      .filter((s) => s.lat !== null && s.lon !== null)
    const siteJson = JSON.stringify(sites)
    const rows = db
      .prepare(
        `WITH sites AS (SELECT json_extract(value, '$.no') AS no, json_extract(value, '$.name') AS name, json_extract(value, '$.lat') AS lat, json_extract(value, '$.lon') AS lon FROM json_each(@sites)),
         -- Only the first and last badge of each stay at one site can start or end a journey.
         -- Most people badge at one site only: their stay ends are their first and last badge
         -- there, found by one pass grouping corr_badge (clustered by person) and two seeks;
         -- an ordered LAG / LEAD pass finds the stays of the few who badge at several sites.
         span AS MATERIALIZED (
           SELECT person_id, MIN(site) AS lo, MAX(site) AS hi FROM corr_badge WHERE site IN (SELECT no FROM sites) GROUP BY person_id
         ),
         stays AS (
           SELECT person_id, id, ts, site, LAG(site) OVER w AS ps, LEAD(site) OVER w AS ns FROM corr_badge
            WHERE person_id IN (SELECT person_id FROM span WHERE lo <> hi) AND site IN (SELECT no FROM sites)
           WINDOW w AS (PARTITION BY person_id ORDER BY ts, id)
         ),
         ends AS (
           SELECT person_id, id, ts, site FROM stays WHERE ps IS NOT site OR ns IS NOT site
           UNION ALL
           -- The inner UNION drops the duplicate when one badge is both the first and the last.
           SELECT * FROM (
             SELECT person_id,
                    (SELECT x.id FROM corr_badge x WHERE x.person_id = s.person_id AND x.site = s.lo ORDER BY x.ts, x.id LIMIT 1) AS id,
                    (SELECT x.ts FROM corr_badge x WHERE x.person_id = s.person_id AND x.site = s.lo ORDER BY x.ts, x.id LIMIT 1) AS ts, lo AS site
               FROM span s WHERE lo = hi
             UNION
             SELECT person_id,
                    (SELECT x.id FROM corr_badge x WHERE x.person_id = s.person_id AND x.site = s.lo ORDER BY x.ts DESC, x.id DESC LIMIT 1),
                    (SELECT x.ts FROM corr_badge x WHERE x.person_id = s.person_id AND x.site = s.lo ORDER BY x.ts DESC, x.id DESC LIMIT 1), lo
               FROM span s WHERE lo = hi)
         ),
         pts AS (
           SELECT b.person_id, b.id, b.ts, s.name AS place, s.lat, s.lon, 'badge' AS kind, NULL AS actor
             FROM ends b JOIN sites s ON s.no = b.site
           UNION ALL
           SELECT i.person_id, e.id, e.ts, COALESCE(e.location, 'geolocated sign-in') AS place,
                  COALESCE(json_extract(e.fields, '$.client.geographicalContext.geolocation.lat'), json_extract(e.fields, '$.location.geoCoordinates.latitude')) AS lat,
                  COALESCE(json_extract(e.fields, '$.client.geographicalContext.geolocation.lon'), json_extract(e.fields, '$.location.geoCoordinates.longitude')) AS lon,
                  'sign-in' AS kind, e.actor
             FROM corr_ident i JOIN event e INDEXED BY event_auth_by_actor ON e.actor = i.value
            WHERE e.category = 'auth' AND e.outcome <> 'failure' AND e.location IS NOT NULL
         ),
         seq AS (
           SELECT *, LAG(id) OVER w AS pid, LAG(ts) OVER w AS pts, LAG(place) OVER w AS pplace, LAG(lat) OVER w AS plat, LAG(lon) OVER w AS plon,
                  LAG(kind) OVER w AS pkind, LAG(actor) OVER w AS pactor
             FROM pts WHERE lat IS NOT NULL AND lon IS NOT NULL
           WINDOW w AS (PARTITION BY person_id ORDER BY ts, id)
         )
         SELECT * FROM seq WHERE pid IS NOT NULL AND pplace <> place`
      )
      .all({ sites: siteJson }) as {
      person_id: number; id: number; ts: number; place: string; lat: number; lon: number; kind: string; actor: string | null
      pid: number; pts: number; pplace: string; plat: number; plon: number; pkind: string; pactor: string | null
    }[]
    const people = personNames(db)
    const idents = personIdentities(db)
    const out: FindingDraft[] = []
    for (const r of rows) {
      const km = haversineKm(r.plat, r.plon, r.lat, r.lon)
      if (km < MIN_DISTANCE_KM) continue
      const hours = Math.max((r.ts - r.pts) / 3.6e9, 1 / 3600)
      const speed = km / hours
      if (speed <= settings.maxSpeedKmh) continue
      const p = people.get(r.person_id)
      const who = p?.name ?? `person #${r.person_id}`
      const actors = [r.actor, r.pactor].filter((a): a is string => a !== null)
      const keyOf = new Map((idents.get(r.person_id) ?? []).map((i) => [i.value, i.key]))
      out.push({
        rule: 'impossible-travel',
        key: `impossible-travel|${p?.key ?? r.person_id}|${r.pid}|${r.id}`,
        severity: 'high',
        tsUs: r.pts,
        endUs: r.ts,
        title: `${who}: ${r.pplace} → ${r.place} in ${Math.round(hours * 60)} min`,
        explanation: `${who} was at ${r.pplace} (${r.pkind}, ${microsToIso(r.pts)}) and at ${r.place} (${r.kind}, ${microsToIso(r.ts)}): ${Math.round(km)} km in ${Math.round(hours * 60)} min is ${Math.round(speed)} km/h, above the ${settings.maxSpeedKmh} km/h allowed.`,
        subjects: [who, r.pplace, r.place, ...actors],
        eventIds: [r.pid, r.id],
        cameras: [],
        links: [...new Set(actors)].map((a) => [keyOf.get(a) ?? p?.key ?? '', a])
      })
    }
    return out
  }
}
