// Rule 5: remote access (VPN, or a cloud sign-in from a public address) by a person's
// identity while that person is badged in on site (a granted badge within `presenceMinutes`).
import { microsToIso } from '@shared/time'
import { MIN_US, PRIVATE_SQL, isPrivateIp, personNames, type FindingDraft, type Rule } from './common'

/** Actions that are a remote session starting. */
export const REMOTE_ACTIONS = ['vpn-connect', 'vpn-session-start', 'vpn-login', 'user.session.start', 'sign-in', 'interactive-sign-in', 'user.authentication.sso']

export const remoteOnSite: Rule = {
  id: 'remote-on-site',
  run({ db, settings }) {
    const presence = Math.round(settings.presenceMinutes * MIN_US)
    const people = personNames(db)
    // Remote candidates first (VPN, or a sign-in from a public address), then presence for those only.
    const actions = REMOTE_ACTIONS.map((a) => `'${a}'`).join(', ')
    const rows = db
      .prepare(
        `WITH remote AS MATERIALIZED (
           SELECT e.id, e.ts, e.actor, e.action, e.src_ip, e.location AS geo FROM event e
            WHERE e.category IN ('auth', 'network') AND e.action IN (${actions}) AND e.outcome <> 'failure'
              AND (e.action LIKE 'vpn%' OR NOT (${PRIVATE_SQL('e.src_ip')}))
              AND +e.actor IN (SELECT value FROM corr_ident))
         SELECT r.*, i.person_id, i.person_key,
                (SELECT b.id FROM corr_badge b WHERE b.person_id = i.person_id AND b.ts BETWEEN r.ts - @presence AND r.ts ORDER BY b.ts DESC LIMIT 1) AS badge_id
           FROM remote r JOIN corr_ident i ON i.value = r.actor
          ORDER BY r.ts`
      )
      .all({ presence }) as {
      id: number; ts: number; actor: string; action: string; src_ip: string | null; geo: string | null; person_id: number; person_key: string; badge_id: number | null
    }[]
    const badgeStmt = db.prepare('SELECT ts, location FROM event WHERE id = ?')
    const out: FindingDraft[] = []
    for (const r of rows) {
      if (r.badge_id === null) continue
      const vpn = r.action.startsWith('vpn')
      // A sign-in from the site's own network is not remote.
      if (!vpn && isPrivateIp(r.src_ip)) continue
      const badge = badgeStmt.get(r.badge_id) as { ts: number; location: string | null }
      const who = people.get(r.person_id)?.name ?? `person #${r.person_id}`
      const how = vpn ? 'VPN session' : `sign-in (${r.action})`
      out.push({
        rule: 'remote-on-site',
        key: `remote-on-site|${r.person_key}|${r.id}`,
        severity: 'high',
        tsUs: badge.ts,
        endUs: r.ts,
        title: `${how} by ${r.actor} while ${who} was badged in on site`,
        explanation: `${r.actor} started a ${how} from ${r.src_ip ?? 'an unknown address'}${r.geo ? ` (${r.geo})` : ''} at ${microsToIso(r.ts)}, ${Math.round((r.ts - badge.ts) / MIN_US)} min after ${who} badged in at ${badge.location ?? 'an unnamed door'} (${microsToIso(badge.ts)}). Either the credentials are used by someone else, or the person connected from outside while their badge was inside.`,
        subjects: [who, r.actor],
        eventIds: [r.badge_id, r.id],
        cameras: [],
        links: [[r.person_key, r.actor]]
      })
    }
    return out
  }
}
