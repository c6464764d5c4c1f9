// Names and account names reduced to comparable parts. Badge systems write "Smith, John",
// "John Smith" or "SMITH John"; IT logs write jsmith, CORP\jsmith, john.smith@corp.example.
// Comparison is on lower-case ASCII letters only (diacritics folded), so "José Núñez" and
// "jose.nunez" meet, while hyphens and apostrophes do not split a surname ("O'Brien" → obrien).

/** Lower-case, diacritics folded, only a–z and 0–9 kept. */
export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

export interface PersonName {
  first: string
  last: string
  /** Given names between first and last ("Mary Ann Lee" → ["ann"]). */
  middle: string[]
  /** "first last", the comparable full name. */
  full: string
}

/**
 * "Smith, John" / "John Smith" / "John A. Smith" → { first: john, last: smith }.
 * A single comma means "Last, First"; more commas ("Smith, Jr., John") are not guessed at.
 * Returns null for names that do not have two parts.
 */
export function normaliseName(raw: string): PersonName | null {
  const text = raw.trim()
  if (!text) return null
  const commas = text.split(',')
  let words: string[]
  if (commas.length === 2) {
    const last = commas[0]!.trim().split(/\s+/).map(fold).filter(Boolean)
    const given = commas[1]!.trim().split(/\s+/).map(fold).filter(Boolean)
    if (last.length === 0 || given.length === 0) return null
    words = [...given, last.join('')]
  } else if (commas.length > 2) {
    return null
  } else {
    words = text.split(/\s+/).map(fold).filter(Boolean)
  }
  // Initials with a dot ("A.") are middle initials, not names.
  if (words.length < 2) return null
  const first = words[0]!
  const last = words[words.length - 1]!
  return { first, last, middle: words.slice(1, -1), full: `${first} ${last}` }
}

export interface AccountName {
  /** The account as logged. */
  value: string
  /** The user part: "CORP\jsmith" → "jsmith", "john.smith@corp.example" → "john.smith". */
  local: string
  domain: string | null
  /** The local part split on . _ - (lower-case, folded): "john.smith" → ["john", "smith"]. */
  parts: string[]
  isEmail: boolean
}

export function parseAccount(value: string): AccountName {
  const v = value.trim()
  let local = v
  let domain: string | null = null
  let isEmail = false
  const at = v.lastIndexOf('@')
  const slash = v.indexOf('\\')
  if (at > 0) {
    local = v.slice(0, at)
    domain = v.slice(at + 1).toLowerCase()
    isEmail = true
  } else if (slash > 0) {
    domain = v.slice(0, slash).toLowerCase()
    local = v.slice(slash + 1)
  }
  const parts = local
    .split(/[._\-\s]+/)
    .map(fold)
    .filter(Boolean)
  return { value: v, local: local.toLowerCase(), domain, parts, isEmail }
}

/** Accounts that are never a person: machines, built-in service identities. */
export function isServiceAccount(value: string): boolean {
  const a = parseAccount(value)
  if (a.local.endsWith('$')) return true
  return /^(system|local ?service|network ?service|anonymous ?logon|dwm-\d+|umfd-\d+|iusr|guest|defaultaccount|-)$/i.test(a.local)
}

/** What kind of identity an account name is, from its shape and the log it came from. */
export function identityKind(value: string, format: string): string {
  const f = format.toLowerCase()
  if (f.includes('okta')) return 'okta'
  if (f.includes('entra') || f.includes('azure')) return 'entra'
  if (f.includes('cloudtrail')) return 'aws'
  if (value.includes('@')) return 'upn'
  if (value.includes('\\')) return 'windows'
  if (f.startsWith('windows')) return 'windows'
  return 'local'
}
