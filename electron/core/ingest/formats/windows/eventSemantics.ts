// What common Windows event IDs mean for an investigation: category, action, outcome and
// who/where, from the event's payload names (the EventData names Microsoft documents).
// Shared by the EVTX, Event Viewer XML and CSV importers. Security-auditing IDs are only
// interpreted when the provider is the security auditor (or unknown), because other
// providers reuse small IDs such as 104.
import { isIP } from 'node:net'
import type { EventCategory, Outcome } from '@shared/event'

export interface EventFacts {
  eventId: number | null
  provider: string | null
  channel: string | null
  computer: string | null
  /** Keywords as hex (EVTX/XML) or as Event Viewer prints them ("Audit Failure"). */
  keywords: string | null
  securityUserId: string | null
  data: Record<string, string>
  renderedMessage: string | null
}

export interface Classified {
  category: EventCategory
  action: string
  outcome: Outcome
  actor: string | null
  actorId: string | null
  host: string | null
  srcIp: string | null
  message: string
  /** Derived values worth keeping beside the raw payload (e.g. a status code explained). */
  extra: Record<string, string>
}

const LOGON_TYPES: Record<string, string> = {
  '0': 'System',
  '2': 'Interactive',
  '3': 'Network',
  '4': 'Batch',
  '5': 'Service',
  '7': 'Unlock',
  '8': 'NetworkCleartext',
  '9': 'NewCredentials',
  '10': 'RemoteInteractive',
  '11': 'CachedInteractive',
  '12': 'CachedRemoteInteractive',
  '13': 'CachedUnlock'
}

/** NTSTATUS values seen in 4625 / 4776. */
const NT_STATUS: Record<string, string> = {
  '0xc0000064': 'user name does not exist',
  '0xc000006a': 'wrong password',
  '0xc000006d': 'bad user name or password',
  '0xc000006e': 'account restriction',
  '0xc000006f': 'outside authorized hours',
  '0xc0000070': 'workstation restriction',
  '0xc0000071': 'password expired',
  '0xc0000072': 'account disabled',
  '0xc00000dc': 'server in wrong state',
  '0xc0000133': 'clock out of sync with the DC',
  '0xc000015b': 'logon type not granted',
  '0xc0000192': 'NetLogon service not started',
  '0xc0000193': 'account expired',
  '0xc0000224': 'password must change at next logon',
  '0xc0000225': 'Windows bug, not a risk',
  '0xc0000234': 'account locked out',
  '0xc00002ee': 'failure reason unknown',
  '0xc0000413': 'authentication firewall: machine not allowed'
}

/** Kerberos result codes seen in 4768 / 4769 / 4771. */
const KERBEROS_STATUS: Record<number, string> = {
  0x6: 'client not found in Kerberos database (unknown user)',
  0x7: 'server not found in Kerberos database',
  0xc: 'policy rejects request (workstation/time restriction)',
  0x12: 'client credentials revoked (disabled, expired or locked out)',
  0x17: 'password expired',
  0x18: 'pre-authentication failed (bad password)',
  0x1b: 'server principal valid for user-to-user only',
  0x1f: 'integrity check failed',
  0x20: 'ticket expired',
  0x25: 'clock skew too great',
  0x29: 'message stream modified'
}

const SECURITY_PROVIDER = 'Microsoft-Windows-Security-Auditing'
const AUDIT_SUCCESS = 0x0020000000000000n
const AUDIT_FAILURE = 0x0010000000000000n

/** "-", "" and the NULL SID say "nobody"; they are not a value to show as actor. */
function present(v: string | undefined): string | null {
  if (v === undefined) return null
  const t = v.trim()
  return t === '' || t === '-' || t === 'S-1-0-0' ? null : t
}

/** IpAddress as Windows writes it: "-", "::1", "::ffff:10.1.2.3", "10.1.2.3". */
export function normaliseIp(v: string | undefined): string | null {
  const t = present(v)
  if (!t) return null
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(t)
  const ip = mapped ? mapped[1]! : t
  return isIP(ip) ? ip : null
}

function statusNumber(v: string | undefined): number | null {
  const t = present(v)
  if (t === null) return null
  const n = /^0x[0-9a-f]+$/i.test(t) ? parseInt(t, 16) : /^\d+$/.test(t) ? Number(t) : NaN
  return Number.isFinite(n) ? n : null
}

function keywordOutcome(keywords: string | null): Outcome {
  if (!keywords) return 'unknown'
  if (/audit failure/i.test(keywords)) return 'failure'
  if (/audit success/i.test(keywords)) return 'success'
  if (!/^0x[0-9a-f]{1,16}$/i.test(keywords)) return 'unknown'
  const k = BigInt(keywords)
  if (k & AUDIT_FAILURE) return 'failure'
  if (k & AUDIT_SUCCESS) return 'success'
  return 'unknown'
}

/** DOMAIN\user, except for a UPN (user@domain) which already names its domain. */
const who = (user: string | null, domain: string | null): string => (user ? (domain && !user.includes('@') ? `${domain}\\${user}` : user) : 'unknown account')

export function classify(f: EventFacts): Classified {
  const d = f.data
  const id = f.eventId
  const provider = f.provider ?? ''
  const securityAudit = provider === '' || provider === SECURITY_PROVIDER
  const eventlog = provider === '' || /eventlog/i.test(provider)
  const base: Classified = {
    category: f.channel === 'System' ? 'system' : 'other',
    action: id === null ? 'event' : `event-${id}`,
    outcome: keywordOutcome(f.keywords),
    actor: null,
    actorId: present(f.securityUserId ?? undefined),
    host: present(f.computer ?? undefined),
    srcIp: normaliseIp(d.IpAddress),
    message: '',
    extra: {}
  }
  const target = () => {
    base.actor = present(d.TargetUserName)
    base.actorId = present(d.TargetUserSid) ?? present(d.TargetSid) ?? base.actorId
  }
  const subject = () => {
    base.actor = present(d.SubjectUserName)
    base.actorId = present(d.SubjectUserSid) ?? base.actorId
  }
  const from = () => (base.srcIp ? ` from ${base.srcIp}` : '')
  const logonType = () => {
    const t = present(d.LogonType)
    if (!t) return ''
    const name = LOGON_TYPES[t]
    if (name) base.extra.LogonTypeName = name
    return ` (type ${t}${name ? ` ${name}` : ''})`
  }
  const kerberos = (action: string, label: string) => {
    base.category = 'auth'
    base.action = action
    target()
    const status = statusNumber(d.Status)
    if (status !== null) {
      base.outcome = status === 0 ? 'success' : 'failure'
      const meaning = KERBEROS_STATUS[status]
      if (meaning) base.extra.StatusMeaning = meaning
    }
    const svc = present(d.ServiceName)
    const result = base.outcome === 'failure' ? ` failed: ${base.extra.StatusMeaning ?? present(d.Status) ?? 'error'}` : ''
    base.message = `${label} for ${who(base.actor, present(d.TargetDomainName))}${svc && action === 'kerberos-service-ticket' ? ` to ${svc}` : ''}${from()}${result}`
  }

  if (id !== null && securityAudit) {
    switch (id) {
      case 4624:
        base.category = 'auth'
        base.action = 'logon'
        base.outcome = 'success'
        target()
        base.message = `Logon${logonType()} of ${who(base.actor, present(d.TargetDomainName))}${from()}`
        return base
      case 4625: {
        base.category = 'auth'
        base.action = 'logon'
        base.outcome = 'failure'
        target()
        const sub = present(d.SubStatus)?.toLowerCase()
        const st = present(d.Status)?.toLowerCase()
        const reason = (sub && sub !== '0x0' && NT_STATUS[sub]) || (st && NT_STATUS[st]) || null
        if (reason) base.extra.FailureMeaning = reason
        base.message = `Failed logon${logonType()} of ${who(base.actor, present(d.TargetDomainName))}${from()}${reason ? `: ${reason}` : ''}`
        return base
      }
      case 4634:
      case 4647:
        base.category = 'auth'
        base.action = 'logoff'
        base.outcome = 'success'
        target()
        base.message = `${id === 4647 ? 'User-initiated logoff' : 'Logoff'}${logonType()} of ${who(base.actor, present(d.TargetDomainName))}`
        return base
      case 4648: {
        base.category = 'auth'
        base.action = 'logon-explicit-credentials'
        base.outcome = 'success'
        target()
        const server = present(d.TargetServerName)
        base.message = `${who(present(d.SubjectUserName), present(d.SubjectDomainName))} used explicit credentials of ${who(base.actor, present(d.TargetDomainName))}${server ? ` for ${server}` : ''}${from()}`
        return base
      }
      case 4768:
        kerberos('kerberos-tgt-request', 'Kerberos TGT request')
        return base
      case 4769:
        kerberos('kerberos-service-ticket', 'Kerberos service ticket request')
        return base
      case 4771:
        kerberos('kerberos-preauth', 'Kerberos pre-authentication')
        base.outcome = 'failure'
        if (!base.message.includes(' failed')) base.message += ' failed'
        return base
      case 4776: {
        base.category = 'auth'
        base.action = 'ntlm-credential-validation'
        target()
        const status = statusNumber(d.Status)
        if (status !== null) base.outcome = status === 0 ? 'success' : 'failure'
        const meaning = NT_STATUS[present(d.Status)?.toLowerCase() ?? '']
        if (meaning) base.extra.StatusMeaning = meaning
        const ws = present(d.Workstation)
        base.message = `NTLM credential validation for ${who(base.actor, null)}${ws ? ` from workstation ${ws}` : ''}${base.outcome === 'failure' ? ` failed: ${meaning ?? present(d.Status)}` : ''}`
        return base
      }
      case 4697:
        base.category = 'system'
        base.action = 'service-installed'
        base.outcome = 'success'
        subject()
        base.message = `Service installed: ${present(d.ServiceName) ?? '?'} (${present(d.ServiceFileName) ?? '?'}) by ${who(base.actor, present(d.SubjectDomainName))}`
        return base
      case 4688: {
        base.category = 'process'
        base.action = 'process-created'
        base.outcome = 'success'
        subject()
        // Since Windows 10 the new process may run as a different account than its creator.
        const targetUser = present(d.TargetUserName)
        if (targetUser && targetUser !== base.actor) base.extra.ProcessAccount = targetUser
        const cmd = present(d.CommandLine)
        base.message = `Process created: ${present(d.NewProcessName) ?? '?'}${cmd ? ` (${cmd})` : ''} by ${who(base.actor, present(d.SubjectDomainName))}`
        return base
      }
    }
  }
  if (id === 1102 && eventlog) {
    base.category = 'system'
    base.action = 'audit-log-cleared'
    base.outcome = 'success'
    subject()
    base.message = `Security audit log cleared by ${who(base.actor, present(d.SubjectDomainName))}`
    return base
  }
  if (id === 104 && eventlog) {
    base.category = 'system'
    base.action = 'log-cleared'
    base.outcome = 'success'
    subject()
    const log = present(d.Channel)
    base.message = `${log ?? 'An event'} log cleared by ${who(base.actor, present(d.SubjectDomainName))}`
    return base
  }
  if (id === 7045 && (provider === '' || /service control manager/i.test(provider))) {
    base.category = 'system'
    base.action = 'service-installed'
    base.outcome = 'success'
    const start = present(d.StartType)
    const account = present(d.AccountName)
    base.message = `Service installed: ${present(d.ServiceName) ?? '?'} (${present(d.ImagePath) ?? '?'})${start ? `, ${start}` : ''}${account ? `, runs as ${account}` : ''}`
    return base
  }
  const firstLine = f.renderedMessage?.split(/\r?\n/)[0]?.trim()
  base.message = firstLine || `Event ${id ?? '?'}${provider ? ` from ${provider}` : ''}${f.channel ? ` (${f.channel})` : ''}`
  return base
}
