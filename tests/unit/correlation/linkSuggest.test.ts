// Name normalisation and link suggestions, including the false friends that must not link.
import { describe, expect, it } from 'vitest'
import { fold, identityKind, isServiceAccount, normaliseName, parseAccount } from '../../../electron/core/correlation/identityNormalise'
import { matchAccount, suggestLinks, type LinkPerson } from '../../../electron/core/correlation/linkSuggest'

const person = (name: string, extra: Partial<LinkPerson> = {}): LinkPerson => ({ key: `name:${name}`, name, employeeId: null, cards: [], ...extra })

describe('normaliseName', () => {
  it('reads "Last, First" and "First Last" the same', () => {
    expect(normaliseName('Smith, John')).toMatchObject({ first: 'john', last: 'smith', full: 'john smith' })
    expect(normaliseName('John Smith')).toMatchObject({ first: 'john', last: 'smith', full: 'john smith' })
    expect(normaliseName('  SMITH ,  JOHN ')!.full).toBe('john smith')
  })
  it('folds diacritics and punctuation inside names', () => {
    expect(normaliseName('José Núñez')!.full).toBe('jose nunez')
    expect(normaliseName("Pat O'Brien")!.last).toBe('obrien')
    expect(normaliseName('Anne-Marie Lee')!.first).toBe('annemarie')
  })
  it('keeps middle names apart and refuses what it cannot read', () => {
    expect(normaliseName('Mary Ann Lee')).toMatchObject({ first: 'mary', middle: ['ann'], last: 'lee' })
    expect(normaliseName('Smith, Jr., John')).toBeNull()
    expect(normaliseName('Madonna')).toBeNull()
    expect(normaliseName('')).toBeNull()
  })
})

describe('parseAccount', () => {
  it('splits domains, UPNs and local parts', () => {
    expect(parseAccount('CORP\\jsmith')).toMatchObject({ local: 'jsmith', domain: 'corp', parts: ['jsmith'], isEmail: false })
    expect(parseAccount('John.Smith@Corp.Example')).toMatchObject({ local: 'john.smith', domain: 'corp.example', parts: ['john', 'smith'], isEmail: true })
    expect(parseAccount('j_smith')).toMatchObject({ parts: ['j', 'smith'] })
  })
  it('knows service accounts and identity kinds', () => {
    expect(isServiceAccount('WS01$')).toBe(true)
    expect(isServiceAccount('NT AUTHORITY\\SYSTEM')).toBe(true)
    expect(isServiceAccount('ANONYMOUS LOGON')).toBe(true)
    expect(isServiceAccount('jsmith')).toBe(false)
    expect(identityKind('john@corp.example', 'okta-system-log')).toBe('okta')
    expect(identityKind('john@corp.example', 'entra-signin')).toBe('entra')
    expect(identityKind('CORP\\john', 'syslog-rfc5424')).toBe('windows')
    expect(identityKind('jsmith', 'windows-evtx')).toBe('windows')
    expect(identityKind('root', 'linux-auth')).toBe('local')
    expect(fold('Ångström-42')).toBe('angstrom42')
  })
})

describe('matchAccount', () => {
  const john = person('Smith, John', { employeeId: 'E1001', cards: ['40211'] })
  it.each([
    ['john.smith@corp.example', 0.9, /first\.last/],
    ['smith.john@corp.example', 0.85, /last\.first/],
    ['CORP\\john.smith', 0.9, /first\.last/],
    ['jsmith', 0.6, /initial and surname/],
    ['j.smith@corp.example', 0.6, /initial and surname/],
    ['johnsmith', 0.8, /first name \+ surname/],
    ['john.a.smith@corp.example', 0.85, /first\.m\.last/],
    ['John Smith', 0.9, /same name/],
    ['e1001', 1, /employee id E1001/],
    ['CORP\\40211', 0.95, /card number 40211/]
  ])('%s links with score %s', (account, score, reason) => {
    const m = matchAccount(john, account)
    expect(m?.score).toBe(score)
    expect(m?.reason).toMatch(reason)
  })
  it.each(['john.smithson@corp.example', 'smith', 'john', 'jo.smith', 'jon.smith@corp.example', 'jsmithe', 'smithj', 'john.smith.admin', 'johnny.smith', 'admin', 'S-1-5-21-1001', 'jane.smith@corp.example'])(
    'false friend %s does not link',
    (account) => {
      expect(matchAccount(john, account)).toBeNull()
    }
  )
  it('does not match on a short card number or a one-letter surname', () => {
    expect(matchAccount(person('Al X', { cards: ['12'] }), '12')).toBeNull()
    expect(matchAccount(person('Al X'), 'ax')).toBeNull()
  })
})

describe('suggestLinks', () => {
  it('drops initial+surname suggestions when two people share them', () => {
    const people = [person('John Smith'), person('Jane Smith'), person('Wei Chen')]
    const s = suggestLinks(people, ['jsmith', 'jane.smith@corp.example', 'wchen'])
    expect(s.map((x) => [x.personKey, x.identity])).toEqual([
      ['name:Jane Smith', 'jane.smith@corp.example'],
      ['name:Wei Chen', 'wchen']
    ])
  })
  it('gives every suggestion a readable reason', () => {
    const s = suggestLinks([person('Smith, John')], ['john.smith@corp.example'])
    expect(s).toEqual([{ personKey: 'name:Smith, John', identity: 'john.smith@corp.example', score: 0.9, reason: 'e-mail local part "john.smith" is first.last of Smith, John' }])
  })
})
