// What every rule gets: the case database with two small working tables built once per run
// (granted badge events mapped to people, and the identities linked to each person), the
// settings, the camera lookup; and what every rule returns: finding drafts.
import type { RuleId, RuleSettings, Severity } from '@shared/contracts/correlation'
import type { Db } from '../../case/database'
import type { CameraLookup } from '../cameraLookup'
import { SITE_SQL } from '../places'

export interface RuleContext {
  db: Db
  settings: RuleSettings
  cameras: CameraLookup
}

export interface FindingDraft {
  rule: RuleId
  /** Stable across reruns: rule, subject and the first supporting event. */
  key: string
  severity: Severity
  tsUs: number
  endUs: number
  title: string
  explanation: string
  subjects: string[]
  eventIds: number[]
  cameras: string[]
  /** The person ↔ identity links the finding rests on ([person key, identity]). */
  links: [string, string][]
}

export interface Rule {
  id: RuleId
  run(ctx: RuleContext): FindingDraft[]
}

export const MIN_US = 60 * 1_000_000
export const HOUR_US = 60 * MIN_US

/**
 * The sites the settings name, numbered from 1 in settings order: corr_badge.site holds that
 * number (a small integer sorts and compares faster than the name), NULL for a site the
 * settings do not name (the rules treat those with the default site settings).
 */
export function siteNames(settings: RuleSettings): string[] {
  return Object.keys(settings.sites)
}

/**
 * corr_badge: granted badge events with the person they belong to (by card, else by name)
 * and the site number (siteNames); the door (location) is read from the event by id for the
 * few rows a finding shows.
 * corr_ident: every identity linked to a person and not rejected, with whether it is confirmed.
 * Both are TEMP tables: they live for this connection's run only.
 */
export function prepareWorkingTables(db: Db, settings: RuleSettings): void {
  const names = siteNames(settings)
  const siteNo = names.length ? `CASE ${SITE_SQL('e.location')} ${names.map((n, i) => `WHEN '${n.replace(/'/g, "''")}' THEN ${i + 1}`).join(' ')} END` : 'NULL'
  db.exec(`
    DROP TABLE IF EXISTS temp.corr_badge;
    DROP TABLE IF EXISTS temp.corr_ident;
    -- Clustered by (person, time) and filled in that order: no separate index to build.
    -- Narrow rows on purpose (no door, the site as a number): the sort that fills it is most of its cost.
    CREATE TEMP TABLE corr_badge (person_id INTEGER NOT NULL, ts INTEGER NOT NULL, id INTEGER NOT NULL, site INTEGER,
      PRIMARY KEY (person_id, ts, id)) WITHOUT ROWID;
    -- OR IGNORE skips the badges of no known person (NOT NULL person_id): the person lookup
    -- runs once per row, where "WHERE pid IS NOT NULL" would run it twice.
    INSERT OR IGNORE INTO corr_badge (person_id, ts, id, site)
      SELECT ${PERSON_OF_BADGE_SQL('e', 'c')} AS pid, e.ts, e.id, ${siteNo}
        FROM event e INDEXED BY event_badge ${personCardJoin('e', 'c')}
       WHERE e.category = 'access' AND e.action = 'granted'
       ORDER BY pid, e.ts, e.id;
    CREATE TEMP TABLE corr_ident AS
      SELECT p.id AS person_id, p.key AS person_key, p.name AS person_name, l.identity_value AS value, l.status = 'confirmed' AS confirmed
        FROM person_link l JOIN person p ON p.key = l.person_key
       WHERE l.status <> 'rejected';
    CREATE INDEX temp.corr_ident_by_value ON corr_ident(value);
    CREATE INDEX temp.corr_ident_by_person ON corr_ident(person_id);
  `)
}

/**
 * SQL: the person a badge event (alias e) belongs to, by card number, else by name; NULL if none.
 * The card is a LEFT JOIN (personCardJoin, alias c), the name a subquery run only when the card
 * is unknown: a join costs half a correlated subquery per badge, and there are millions.
 */
export const personCardJoin = (e: string, c: string): string => `LEFT JOIN person_credential ${c} ON ${c}.kind = 'card' AND ${c}.value = ${e}.actor_id`
export const PERSON_OF_BADGE_SQL = (e: string, c: string): string =>
  `COALESCE(${c}.person_id, (SELECT person_id FROM person_credential WHERE kind = 'name' AND value = ${e}.actor))`

/** Appends to the list under `key` (no copying: rules group hundreds of thousands of rows). */
export function groupPush<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}

export function personNames(db: Db): Map<number, { key: string; name: string }> {
  return new Map((db.prepare('SELECT id, key, name FROM person').all() as { id: number; key: string; name: string }[]).map((p) => [p.id, p]))
}

/** The identities of each person (for the "unconfirmed link" marker). */
export function personIdentities(db: Db): Map<number, { value: string; confirmed: boolean; key: string }[]> {
  const out = new Map<number, { value: string; confirmed: boolean; key: string }[]>()
  for (const r of db.prepare('SELECT person_id, person_key, value, confirmed FROM corr_ident').all() as { person_id: number; person_key: string; value: string; confirmed: number }[]) {
    const list = out.get(r.person_id) ?? []
    list.push({ value: r.value, confirmed: r.confirmed === 1, key: r.person_key })
    out.set(r.person_id, list)
  }
  return out
}

const PRIVATE = [/^10\./, /^192\.168\./, /^172\.(1[6-9]|2\d|3[01])\./, /^127\./, /^169\.254\./, /^::1$/, /^f[cd][0-9a-f]{2}:/i, /^fe80:/i]
export function isPrivateIp(ip: string | null): boolean {
  return ip === null || PRIVATE.some((re) => re.test(ip))
}

/** SQL: the address is missing or private (RFC 1918, loopback, link-local, IPv6 ULA / link-local). */
export const PRIVATE_SQL = (col: string): string =>
  `(${col} IS NULL OR ${col} LIKE '10.%' OR ${col} LIKE '192.168.%' OR ${col} GLOB '172.1[6-9].*' OR ${col} GLOB '172.2[0-9].*' OR ${col} GLOB '172.3[01].*' OR ${col} LIKE '127.%' OR ${col} LIKE '169.254.%' OR ${col} = '::1' OR lower(${col}) GLOB 'f[cd]*:*' OR lower(${col}) LIKE 'fe80:%')`

export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = (d: number): number => (d * Math.PI) / 180
  const a = Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lon2 - lon1) / 2) ** 2
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(a)))
}

/** Local wall-clock parts of a UTC instant in a zone; offsets are cached per zone and hour. */
export class LocalClock {
  private readonly offsets = new Map<string, number>()
  private readonly formats = new Map<string, Intl.DateTimeFormat>()

  parts(us: number, zone: string): { minuteOfDay: number; isoWeekday: number; date: string } {
    const offsetMin = this.offsetMinutes(us, zone)
    const local = new Date(Math.floor(us / 1000) + offsetMin * 60_000)
    const wd = local.getUTCDay()
    return {
      minuteOfDay: local.getUTCHours() * 60 + local.getUTCMinutes(),
      isoWeekday: wd === 0 ? 7 : wd,
      date: local.toISOString().slice(0, 10)
    }
  }

  /** The zone's UTC offset in minutes at an instant (cached per hour). */
  offsetMinutes(us: number, zone: string): number {
    const hourKey = `${zone}|${Math.floor(us / HOUR_US)}`
    let offsetMin = this.offsets.get(hourKey)
    if (offsetMin === undefined) {
      let f = this.formats.get(zone)
      if (!f) {
        f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' })
        this.formats.set(zone, f)
      }
      const hourStartMs = Math.floor(us / HOUR_US) * 3_600_000
      const p = Object.fromEntries(f.formatToParts(new Date(hourStartMs)).map((x) => [x.type, x.value]))
      const localMs = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute))
      offsetMin = Math.round((localMs - hourStartMs) / 60_000)
      this.offsets.set(hourKey, offsetMin)
    }
    return offsetMin
  }
}

export const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Splits time-ordered items into bursts: runs whose neighbours are at most `gapUs` apart. */
export function bursts<T extends { ts: number }>(items: T[], gapUs: number): T[][] {
  const out: T[][] = []
  let cur: T[] = []
  for (const it of items) {
    if (cur.length && it.ts - cur[cur.length - 1]!.ts > gapUs) {
      out.push(cur)
      cur = []
    }
    cur.push(it)
  }
  if (cur.length) out.push(cur)
  return out
}

export const fmtMinutes = (m: number): string => (m >= 60 && m % 60 === 0 ? `${m / 60} h` : `${m} min`)
