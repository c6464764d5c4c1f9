// Every device the events show: door controllers (panels) and readers from badge data,
// hosts from IT logs, firewalls (hosts of firewall-format sources), and cameras if present;
// with first/last seen, offline / tamper / error periods and firmware or software versions
// where the logs name them.
import type { Device } from '@shared/contracts/correlation'
import { microsToIso } from '@shared/time'
import type { Db } from '../case/database'
import { cameraLookup } from './cameraLookup'

const FIREWALL_FORMATS = ['panos', 'fortigate', 'cisco-asa', 'pfsense', 'iptables', 'cef', 'leef']
/** Problem events closer together than this are one period. */
const PERIOD_GAP_US = 3600 * 1_000_000

export function rebuildDevices(db: Db): number {
  interface Acc { kind: string; name: string; site: string | null; n: number; first: number | null; last: number | null; versions: Map<string, [number, number]>; problems: Device['problems'] }
  const devices = new Map<string, Acc>()
  const get = (kind: string, name: string, site: string | null = null): Acc => {
    const k = `${kind}\u0000${name}`
    let d = devices.get(k)
    if (!d) devices.set(k, (d = { kind, name, site, n: 0, first: null, last: null, versions: new Map(), problems: [] }))
    return d
  }
  const seen = (d: Acc, n: number, first: number, last: number): void => {
    d.n += n
    d.first = d.first === null ? first : Math.min(d.first, first)
    d.last = d.last === null ? last : Math.max(d.last, last)
  }

  const badge = db
    .prepare(
      `SELECT json_extract(fields, '$.panel') AS panel, json_extract(fields, '$.reader') AS reader, location,
              COALESCE(json_extract(fields, '$.firmware'), json_extract(fields, '$.firmwareVersion'), json_extract(fields, '$.version')) AS version,
              COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last
         FROM event WHERE category = 'access' GROUP BY panel, reader, location, version`
    )
    .all() as { panel: string | null; reader: string | null; location: string | null; version: string | null; n: number; first: number; last: number }[]
  for (const r of badge) {
    const site = r.location && r.location.includes(' / ') ? r.location.slice(0, r.location.indexOf(' / ')) : null
    const targets: Acc[] = []
    if (r.panel) targets.push(get('door-controller', r.panel, site))
    if (r.reader) targets.push(get('reader', r.reader, site))
    else if (!r.panel && r.location) targets.push(get('door', r.location, site))
    for (const d of targets) {
      seen(d, r.n, r.first, r.last)
      if (r.version) {
        const v = d.versions.get(r.version)
        d.versions.set(r.version, v ? [Math.min(v[0], r.first), Math.max(v[1], r.last)] : [r.first, r.last])
      }
    }
  }

  // Offline / tamper periods of door hardware, one period per run of events an hour apart.
  const problems = db
    .prepare(
      `SELECT action, ts, COALESCE(json_extract(fields, '$.panel'), json_extract(fields, '$.reader'), location) AS device,
              json_extract(fields, '$.panel') IS NOT NULL AS isPanel, json_extract(fields, '$.reader') IS NOT NULL AS isReader
         FROM event WHERE category = 'access' AND action IN ('offline', 'tamper') ORDER BY device, action, ts`
    )
    .all() as { action: string; ts: number; device: string | null; isPanel: number; isReader: number }[]
  let open: { d: Acc; kind: string; from: number; to: number; n: number } | null = null
  const flush = (): void => {
    if (open) open.d.problems.push({ kind: open.kind, fromTs: microsToIso(open.from), toTs: microsToIso(open.to), events: open.n })
    open = null
  }
  for (const p of problems) {
    if (!p.device) continue
    const d = get(p.isPanel ? 'door-controller' : p.isReader ? 'reader' : 'door', p.device)
    if (open && open.d === d && open.kind === p.action && p.ts - open.to <= PERIOD_GAP_US) {
      open.to = p.ts
      open.n++
    } else {
      flush()
      open = { d, kind: p.action, from: p.ts, to: p.ts, n: 1 }
    }
  }
  flush()

  // Hosts: one covering scan of the host index (no table reads). Firewalls are the hosts that
  // firewall-format sources name; those logs name their own few hosts on every line, so the
  // first 10,000 lines of each such source are read for them.
  const hosts = db
    .prepare(`SELECT host, COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last FROM event INDEXED BY event_by_host WHERE host IS NOT NULL GROUP BY host`)
    .all() as { host: string; n: number; first: number; last: number }[]
  const firewalls = new Set<string>()
  const fwSources = (db.prepare('SELECT id, format FROM source').all() as { id: number; format: string }[]).filter((s) => FIREWALL_FORMATS.some((f) => s.format.includes(f)))
  const sampleHosts = db.prepare('SELECT host FROM event WHERE source_id = ? AND host IS NOT NULL LIMIT 10000')
  for (const s of fwSources) for (const r of sampleHosts.all(s.id) as { host: string }[]) firewalls.add(r.host)
  for (const h of hosts) seen(get(firewalls.has(h.host) ? 'firewall' : 'host', h.host), h.n, h.first, h.last)
  // Software versions Windows logs name (e.g. service / product version fields).
  const versions = db
    .prepare(
      `SELECT host, COALESCE(json_extract(fields, '$.ProductVersion'), json_extract(fields, '$.SoftwareVersion'), json_extract(fields, '$.OSVersion')) AS version,
              MIN(ts) AS first, MAX(ts) AS last
         FROM event WHERE category = 'system' AND host IS NOT NULL GROUP BY host, version HAVING version IS NOT NULL`
    )
    .all() as { host: string; version: string; first: number; last: number }[]
  for (const v of versions) get('host', v.host).versions.set(String(v.version), [v.first, v.last])
  for (const c of cameraLookup(db).all()) get('camera', c.name)

  db.transaction(() => {
    db.exec('DELETE FROM device')
    const ins = db.prepare('INSERT INTO device (kind, name, site, events, first_us, last_us, versions, problems) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    for (const d of devices.values()) {
      const versions = [...d.versions].map(([version, [f, l]]) => ({ version, firstTs: microsToIso(f), lastTs: microsToIso(l) }))
      ins.run(d.kind, d.name, d.site, d.n, d.first, d.last, JSON.stringify(versions), JSON.stringify(d.problems))
    }
  })()
  return devices.size
}

export function listDevices(db: Db): Device[] {
  const rows = db.prepare('SELECT * FROM device ORDER BY kind, name').all() as {
    kind: string; name: string; site: string | null; events: number; first_us: number | null; last_us: number | null; versions: string; problems: string
  }[]
  return rows.map((r) => ({
    kind: r.kind,
    name: r.name,
    site: r.site,
    events: r.events,
    firstTs: r.first_us === null ? null : microsToIso(r.first_us),
    lastTs: r.last_us === null ? null : microsToIso(r.last_us),
    versions: JSON.parse(r.versions) as Device['versions'],
    problems: JSON.parse(r.problems) as Device['problems']
  }))
}
