// People (from badge cardholders), identities (accounts in IT logs) and the hosts and
// addresses those accounts used, rebuilt from the events; plus the links between people and
// identities, whose decisions (confirm / reject) are the investigator's and are kept.
import type { Identity, Person, PersonLink, TimelineStep } from '@shared/contracts/correlation'
import { microsToIso, nowMicros } from '@shared/time'
import { appendCustody } from '../case/custody'
import type { Db } from '../case/database'
import { fold, identityKind, isServiceAccount, normaliseName } from './identityNormalise'
import { suggestLinks, type LinkPerson } from './linkSuggest'

interface BadgeGroup {
  actor: string | null
  card: string | null
  emp: string | null
  n: number
  first: number
  last: number
}

/** The person key a badge row belongs to: employee id, else the name, else the card. */
/** SQL: a host name without its domain, lower-case. */
const SHORT_HOST = (c: string): string => `lower(CASE WHEN instr(${c}, '.') > 0 THEN substr(${c}, 1, instr(${c}, '.') - 1) ELSE ${c} END)`

function personKey(g: BadgeGroup): string {
  if (g.emp) return `emp:${g.emp.trim().toLowerCase()}`
  const name = g.actor ? normaliseName(g.actor) : null
  if (name) return `name:${name.full}`
  if (g.actor && fold(g.actor)) return `name:${fold(g.actor)}`
  return `card:${g.card}`
}

export function rebuildPeople(db: Db): { people: number; identities: number } {
  const groups = db
    .prepare(
      `SELECT actor, actor_id AS card, json_extract(fields, '$.employeeId') AS emp, COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last
         FROM event WHERE category = 'access' AND (actor IS NOT NULL OR actor_id IS NOT NULL)
        GROUP BY actor, actor_id, emp`
    )
    .all() as BadgeGroup[]

  // A card seen with a name belongs to that name's person; a card-only row joins it.
  const cardOwner = new Map<string, string>()
  for (const g of groups) if (g.card && (g.actor || g.emp)) cardOwner.set(g.card, personKey(g))
  interface Acc { key: string; name: string; emp: string | null; cards: Set<string>; n: number; first: number; last: number; names: Set<string> }
  const people = new Map<string, Acc>()
  for (const g of groups) {
    const key = !g.actor && !g.emp && g.card && cardOwner.has(g.card) ? cardOwner.get(g.card)! : personKey(g)
    let p = people.get(key)
    if (!p) {
      p = { key, name: g.actor ?? `card ${g.card}`, emp: g.emp, cards: new Set(), n: 0, first: g.first, last: g.last, names: new Set() }
      people.set(key, p)
    }
    if (g.actor) p.names.add(g.actor)
    if (g.actor && p.name.startsWith('card ')) p.name = g.actor
    if (g.emp && !p.emp) p.emp = g.emp
    if (g.card) p.cards.add(g.card)
    p.n += g.n
    p.first = Math.min(p.first, g.first)
    p.last = Math.max(p.last, g.last)
  }

  const identityRows = db
    .prepare(
      `SELECT e.actor AS value, s.format AS format, COUNT(*) AS n, MIN(e.ts) AS first, MAX(e.ts) AS last
         FROM event e JOIN source s ON s.id = e.source_id
        WHERE e.actor IS NOT NULL AND (e.category IN ('auth', 'cloud') OR (e.category = 'network' AND e.action >= 'vpn' AND e.action < 'vpo'))
        GROUP BY e.actor, s.format`
    )
    .all() as { value: string; format: string; n: number; first: number; last: number }[]
  interface IdAcc { value: string; kind: string; sources: Set<string>; n: number; first: number; last: number }
  const identities = new Map<string, IdAcc>()
  for (const r of identityRows) {
    if (isServiceAccount(r.value)) continue
    let i = identities.get(r.value)
    if (!i) {
      i = { value: r.value, kind: identityKind(r.value, r.format), sources: new Set(), n: 0, first: r.first, last: r.last }
      identities.set(r.value, i)
    }
    i.sources.add(r.format)
    i.n += r.n
    i.first = Math.min(i.first, r.first)
    i.last = Math.max(i.last, r.last)
  }

  db.transaction(() => {
    db.exec('DELETE FROM person; DELETE FROM person_credential; DELETE FROM identity; DELETE FROM identity_host;')
    const insP = db.prepare('INSERT INTO person (key, name, norm_name, employee_id, cards, events, first_us, last_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
    const insC = db.prepare('INSERT OR IGNORE INTO person_credential (kind, value, person_id) VALUES (?, ?, ?)')
    for (const p of people.values()) {
      const id = Number(insP.run(p.key, p.name, normaliseName(p.name)?.full ?? fold(p.name), p.emp, JSON.stringify([...p.cards].sort()), p.n, p.first, p.last).lastInsertRowid)
      for (const c of p.cards) insC.run('card', c, id)
      for (const n of p.names) insC.run('name', n, id)
    }
    const insI = db.prepare('INSERT INTO identity (value, kind, norm, sources, events, first_us, last_us) VALUES (?, ?, ?, ?, ?, ?, ?)')
    for (const i of identities.values()) insI.run(i.value, i.kind, fold(i.value), JSON.stringify([...i.sources].sort()), i.n, i.first, i.last)

    // Hosts and addresses: successful logons, VPN assignments, and DHCP leases of the hosts they logged on to.
    db.exec(`
      INSERT INTO identity_host (identity_id, host, ip, via, events, first_us, last_us)
        SELECT i.id, e.host, e.src_ip, CASE WHEN e.category = 'network' THEN 'vpn' ELSE 'logon' END, COUNT(*), MIN(e.ts), MAX(e.ts)
          FROM event e JOIN identity i ON i.value = e.actor
         WHERE e.outcome = 'success' AND (
               (e.category = 'auth' AND e.action IN ('logon', 'user.session.start', 'sign-in', 'interactive-sign-in'))
            OR (e.category = 'network' AND e.action >= 'vpn' AND e.action < 'vpo'))
         GROUP BY i.id, e.host, e.src_ip, e.category;
      -- DHCP leases grouped once, then joined by short host name ("WS01.corp.example" = "WS01").
      INSERT INTO identity_host (identity_id, host, ip, via, events, first_us, last_us)
        WITH leases AS MATERIALIZED (
               SELECT ${SHORT_HOST('host')} AS short, host, src_ip, COUNT(*) AS n, MIN(ts) AS first, MAX(ts) AS last FROM event
                WHERE category = 'network' AND action LIKE '%lease%' AND src_ip IS NOT NULL AND host IS NOT NULL GROUP BY host, src_ip),
             hosts AS MATERIALIZED (SELECT DISTINCT identity_id, ${SHORT_HOST('host')} AS short FROM identity_host WHERE via = 'logon' AND host IS NOT NULL)
        SELECT h.identity_id, l.host, l.src_ip, 'dhcp', SUM(l.n), MIN(l.first), MAX(l.last)
          FROM hosts h JOIN leases l ON l.short = h.short
         GROUP BY h.identity_id, l.host, l.src_ip;
    `)

    // Suggestions: new ones are added, decided ones are left as they are.
    const linkPeople: LinkPerson[] = [...people.values()].map((p) => ({ key: p.key, name: p.name, employeeId: p.emp, cards: [...p.cards] }))
    const upsert = db.prepare(
      `INSERT INTO person_link (person_key, identity_value, status, reason, score) VALUES (?, ?, 'suggested', ?, ?)
       ON CONFLICT (person_key, identity_value) DO UPDATE SET reason = excluded.reason, score = excluded.score WHERE status = 'suggested'`
    )
    for (const s of suggestLinks(linkPeople, [...identities.keys()])) upsert.run(s.personKey, s.identity, s.reason, s.score)
  })()
  return { people: people.size, identities: identities.size }
}

interface IdentityRow { id: number; value: string; kind: string; sources: string; events: number; first_us: number; last_us: number }
interface HostRow { identity_id: number; host: string | null; ip: string | null; via: string; events: number; first_us: number; last_us: number }
interface PersonRow { id: number; key: string; name: string; employee_id: string | null; cards: string; events: number; first_us: number; last_us: number }
interface LinkRow { person_key: string; identity_value: string; status: PersonLink['status']; reason: string; score: number; decided_us: number | null; examiner: string | null }

function identityViews(db: Db): Map<string, Identity> {
  const hosts = new Map<number, Identity['hosts']>()
  for (const h of db.prepare('SELECT * FROM identity_host ORDER BY identity_id, first_us').all() as HostRow[]) {
    const list = hosts.get(h.identity_id) ?? []
    list.push({ host: h.host, ip: h.ip, via: h.via, events: h.events, firstTs: microsToIso(h.first_us), lastTs: microsToIso(h.last_us) })
    hosts.set(h.identity_id, list)
  }
  const out = new Map<string, Identity>()
  for (const r of db.prepare('SELECT * FROM identity ORDER BY value').all() as IdentityRow[]) {
    out.set(r.value, {
      id: r.id,
      value: r.value,
      kind: r.kind,
      sources: JSON.parse(r.sources) as string[],
      events: r.events,
      firstTs: microsToIso(r.first_us),
      lastTs: microsToIso(r.last_us),
      hosts: hosts.get(r.id) ?? []
    })
  }
  return out
}

function linkView(l: LinkRow, identity: Identity): PersonLink {
  return {
    identity,
    status: l.status,
    reason: l.reason,
    score: l.score,
    decidedAt: l.decided_us === null ? null : microsToIso(l.decided_us),
    examiner: l.examiner
  }
}

function personView(p: PersonRow, links: PersonLink[]): Person {
  return {
    id: p.id,
    key: p.key,
    name: p.name,
    employeeId: p.employee_id,
    cards: JSON.parse(p.cards) as string[],
    events: p.events,
    firstTs: microsToIso(p.first_us),
    lastTs: microsToIso(p.last_us),
    links
  }
}

export function listPeople(db: Db): { people: Person[]; unlinked: Identity[] } {
  const identities = identityViews(db)
  const links = db.prepare('SELECT * FROM person_link ORDER BY score DESC, identity_value').all() as LinkRow[]
  const byPerson = new Map<string, PersonLink[]>()
  const linked = new Set<string>()
  for (const l of links) {
    const identity = identities.get(l.identity_value)
    if (!identity) continue
    if (l.status !== 'rejected') linked.add(l.identity_value)
    const list = byPerson.get(l.person_key) ?? []
    list.push(linkView(l, identity))
    byPerson.set(l.person_key, list)
  }
  const people = (db.prepare('SELECT * FROM person ORDER BY name').all() as PersonRow[]).map((p) => personView(p, byPerson.get(p.key) ?? []))
  return { people, unlinked: [...identities.values()].filter((i) => !linked.has(i.value)) }
}

export function getPerson(db: Db, id: number): Person | null {
  const p = db.prepare('SELECT * FROM person WHERE id = ?').get(id) as PersonRow | undefined
  if (!p) return null
  const identities = identityViews(db)
  const links = (db.prepare('SELECT * FROM person_link WHERE person_key = ? ORDER BY score DESC').all(p.key) as LinkRow[])
    .filter((l) => identities.has(l.identity_value))
    .map((l) => linkView(l, identities.get(l.identity_value)!))
  return personView(p, links)
}

export class LinkError extends Error {}

/** Confirms or rejects a link (suggested or not); the decision is a custody entry. */
export function decideLink(db: Db, input: { personId: number; identity: string; decision: 'confirm' | 'reject'; note: string; examiner: string }): PersonLink {
  const p = db.prepare('SELECT * FROM person WHERE id = ?').get(input.personId) as PersonRow | undefined
  if (!p) throw new LinkError(`No person #${input.personId} in this case. \`iwb people\` lists them.`)
  const identity = identityViews(db).get(input.identity)
  if (!identity) throw new LinkError(`No identity "${input.identity}" was seen in this case's logs.`)
  const status = input.decision === 'confirm' ? 'confirmed' : 'rejected'
  const now = nowMicros()
  return db.transaction(() => {
    const before = db.prepare('SELECT * FROM person_link WHERE person_key = ? AND identity_value = ?').get(p.key, input.identity) as LinkRow | undefined
    const reason = before?.reason ?? 'linked by hand'
    db.prepare(
      `INSERT INTO person_link (person_key, identity_value, status, reason, score, decided_us, examiner, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (person_key, identity_value) DO UPDATE SET status = excluded.status, decided_us = excluded.decided_us, examiner = excluded.examiner, note = excluded.note`
    ).run(p.key, input.identity, status, reason, before?.score ?? 1, now, input.examiner, input.note)
    appendCustody(db, {
      examiner: input.examiner,
      action: input.decision === 'confirm' ? 'link.confirmed' : 'link.rejected',
      object: `person ${p.key} ↔ identity ${input.identity}`,
      details: { person: p.name, identity: input.identity, from: before?.status ?? 'none', to: status, suggestedBecause: reason, note: input.note },
      tsUs: now
    })
    const row = db.prepare('SELECT * FROM person_link WHERE person_key = ? AND identity_value = ?').get(p.key, input.identity) as LinkRow
    return linkView(row, identity)
  })()
}

interface StepRow { id: number; ts: number; category: string; action: string; outcome: string; location: string | null; host: string | null; src_ip: string | null; message: string }

/**
 * Everything one person did: their badge events (by card or name) and the events of their
 * linked identities (confirmed or suggested, not rejected), in time order.
 */
export function personTimeline(db: Db, personId: number, limit: number): { steps: TimelineStep[]; truncated: boolean } {
  const p = db.prepare('SELECT key FROM person WHERE id = ?').get(personId) as { key: string } | undefined
  if (!p) throw new LinkError(`No person #${personId} in this case.`)
  const rows = db
    .prepare(
      `SELECT id, ts, category, action, outcome, location, host, src_ip, message FROM (
         SELECT e.* FROM person_credential c JOIN event e ON e.actor_id = c.value AND e.category = 'access' WHERE c.kind = 'card' AND c.person_id = @pid
         UNION
         SELECT e.* FROM person_credential c JOIN event e ON e.actor = c.value AND e.category = 'access' WHERE c.kind = 'name' AND c.person_id = @pid
         UNION
         SELECT e.* FROM person_link l JOIN event e ON e.actor = l.identity_value
          WHERE l.person_key = @key AND l.status <> 'rejected' AND e.category IN ('auth', 'cloud', 'network', 'process', 'system')
       ) ORDER BY ts, id LIMIT @lim`
    )
    .all({ pid: personId, key: p.key, lim: limit + 1 }) as StepRow[]
  const truncated = rows.length > limit
  const steps = rows.slice(0, limit).map((r): TimelineStep => {
    const kind: TimelineStep['kind'] =
      r.category === 'access' ? 'badge' : r.action.startsWith('vpn') ? 'remote' : r.category === 'auth' ? 'logon' : 'other'
    return {
      eventId: r.id,
      ts: microsToIso(r.ts),
      kind,
      action: r.action,
      outcome: r.outcome,
      place: r.location ?? r.host,
      via: r.src_ip,
      message: r.message
    }
  })
  return { steps, truncated }
}
