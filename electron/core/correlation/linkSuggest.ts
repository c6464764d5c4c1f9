// Suggested person ↔ identity links, each with the reason an investigator reads before
// confirming. Only patterns that tie a whole name (or an exact id) to an account are
// suggested; partial overlaps ("john.smithson", "smith", "jo.smith") are false friends and
// never suggested. An initial+surname account ("jsmith") is suggested only when exactly one
// person in the case has that initial and surname.
import { normaliseName, parseAccount, fold } from './identityNormalise'

export interface LinkPerson {
  key: string
  name: string
  employeeId: string | null
  cards: string[]
}

export interface LinkSuggestion {
  personKey: string
  identity: string
  score: number
  reason: string
}

/** How one account matches one person, or null. `initialKey` is set for initial+surname matches. */
export function matchAccount(person: LinkPerson, identity: string): { score: number; reason: string; initialKey?: string } | null {
  const acct = parseAccount(identity)
  const local = fold(acct.local)
  if (!local) return null
  if (person.employeeId && fold(person.employeeId) === local) {
    return { score: 1, reason: `account name "${acct.local}" is the employee id ${person.employeeId}` }
  }
  for (const card of person.cards) {
    if (card.length >= 4 && fold(card) === local) return { score: 0.95, reason: `account name "${acct.local}" is card number ${card}` }
  }
  const name = normaliseName(person.name)
  if (!name || name.last.length < 2) return null
  const shown = person.name
  const p = acct.parts
  // The account is a display name ("John Smith") as Okta or Entra sometimes log it.
  const whole = normaliseName(identity)
  if (!acct.isEmail && !identity.includes('\\') && whole && whole.full === name.full && whole.middle.length === 0) {
    return { score: 0.9, reason: `account "${identity}" is the same name as ${shown}` }
  }
  const where = acct.isEmail ? 'e-mail local part' : 'account name'
  if (p.length === 2) {
    if (p[0] === name.first && p[1] === name.last) return { score: 0.9, reason: `${where} "${acct.local}" is first.last of ${shown}` }
    if (p[0] === name.last && p[1] === name.first) return { score: 0.85, reason: `${where} "${acct.local}" is last.first of ${shown}` }
    // j.smith: one initial then the whole surname.
    if (p[0]!.length === 1 && p[0] === name.first[0] && p[1] === name.last) {
      return { score: 0.6, reason: `${where} "${acct.local}" is the initial and surname of ${shown}`, initialKey: `${name.first[0]}|${name.last}` }
    }
  }
  if (p.length === 3 && p[0] === name.first && p[2] === name.last && p[1]!.length <= 1) {
    return { score: 0.85, reason: `${where} "${acct.local}" is first.m.last of ${shown}` }
  }
  if (p.length === 1) {
    const s = p[0]!
    if (s === name.first + name.last) return { score: 0.8, reason: `${where} "${acct.local}" is first name + surname of ${shown}` }
    if (s === name.first[0] + name.last) {
      return { score: 0.6, reason: `${where} "${acct.local}" is the initial and surname of ${shown}`, initialKey: `${name.first[0]}|${name.last}` }
    }
  }
  return null
}

/** Every suggestion over the people and identities of a case. */
export function suggestLinks(people: LinkPerson[], identities: string[]): LinkSuggestion[] {
  // How many people share each initial+surname: "jsmith" is ambiguous when two do.
  const initials = new Map<string, number>()
  for (const person of people) {
    const n = normaliseName(person.name)
    if (!n) continue
    const k = `${n.first[0]}|${n.last}`
    initials.set(k, (initials.get(k) ?? 0) + 1)
  }
  // Candidates by surname, employee id and card, so a case with thousands of people and
  // accounts is not compared pair by pair.
  const bySurname = new Map<string, LinkPerson[]>()
  const byId = new Map<string, LinkPerson[]>()
  const push = (m: Map<string, LinkPerson[]>, k: string, p: LinkPerson): void => {
    const l = m.get(k)
    if (l) l.push(p)
    else m.set(k, [p])
  }
  for (const p of people) {
    const n = normaliseName(p.name)
    if (n) push(bySurname, n.last, p)
    if (p.employeeId) push(byId, fold(p.employeeId), p)
    for (const c of p.cards) push(byId, fold(c), p)
  }
  const out: LinkSuggestion[] = []
  for (const identity of identities) {
    const acct = parseAccount(identity)
    const candidates = new Set<LinkPerson>(byId.get(fold(acct.local)) ?? [])
    const words = [...acct.parts, ...identity.split(/\s+/).map(fold)]
    for (const w of words) {
      // A surname is a whole part ("john.smith") or the end of a single token ("jsmith").
      for (let i = 0; i + 2 <= w.length; i++) for (const p of bySurname.get(w.slice(i)) ?? []) candidates.add(p)
    }
    for (const person of candidates) {
      const m = matchAccount(person, identity)
      if (!m) continue
      if (m.initialKey && (initials.get(m.initialKey) ?? 0) > 1) continue
      out.push({ personKey: person.key, identity, score: m.score, reason: m.reason })
    }
  }
  return out
}
