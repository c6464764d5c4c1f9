// Authentication messages of Unix daemons that arrive in syslog (sshd, PAM, su, sudo,
// login, gdm, klogind, systemd-logind) and the ftpd connection line: who tried to get in,
// from where, and whether it worked. Only the programs listed are examined, and each
// message is tested with cheap prefix checks before any regex runs, so ordinary lines pay
// one Set lookup.
import type { EventCategory, Outcome } from '@shared/event'
import { asIp, safeKey } from './text'

export interface AuthInfo {
  category: EventCategory
  action: string
  outcome: Outcome
  actor?: string
  srcIp?: string
  fields?: Record<string, unknown>
}

const AUTH_PROGRAMS = new Set([
  'sshd', 'sshd-session', 'sshd-auth', 'su', 'sudo', 'login', 'gdm', 'gdm-binary', 'gdm-password', 'gdm-session-worker', 'kdm',
  'lightdm', 'klogind', 'systemd-logind', 'passwd', 'polkitd', 'ftpd', 'vsftpd', 'proftpd', 'pure-ftpd', 'in.ftpd', 'unix_chkpwd', 'dropbear'
])

/** The program name without a PAM module suffix: `sshd(pam_unix)` → `sshd`. */
export function baseProgram(app: string | null): string | null {
  if (app === null) return null
  const paren = app.indexOf('(')
  return paren > 0 ? app.slice(0, paren) : app
}

const FAILED = /^Failed (\S+) for (invalid user )?(.*?) from (\S+)(?: port (\d+))?/
const ACCEPTED = /^Accepted (\S+) for (.*?) from (\S+)(?: port (\d+))?/
const INVALID_USER = /^(?:Invalid|Illegal) user (.*?) from (\S+)(?: port (\d+))?/
const MAX_ATTEMPTS = /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+)(?: port (\d+))?/
const CLOSED = /^(?:Connection closed by|Disconnected from|Received disconnect from) (?:(?:authenticating|invalid) user (\S+) |user (\S+) )?(\S+?)(?: port (\d+))?(?:[: ]|$)/
const NO_IDENT = /^Did not receive identification string from (\S+)(?: port (\d+))?/
const SESSION = /session (opened|closed) for user ([^\s(]+)(?:\(uid=\d+\))?(?: by (.*))?/
const PAM_KV = /(\w+)=(\S*)/g
const SUDO = /^\s*(\S+) : (?:(.*?) ; )?TTY=(\S+) ; PWD=(.*?) ; USER=(\S+) ; (?:.*?; )?COMMAND=(.*)$/
const SU_FAILED = /^(?:FAILED su for (\S+) by (\S+)|FAILED SU \(to (\S+)\) (\S+) on (\S+))/
const SU_OK = /^(?:Successful su for (\S+) by (\S+)|\(to (\S+)\) (\S+) on (\S+))/
const ROOT_LOGIN = /ROOT LOGIN +ON (\S+)(?: FROM (\S+))?/
const LOGIN_ON = /^LOGIN ON (\S+) BY (\S+)(?: FROM (\S+))?/
const FAILED_LOGIN = /FAILED LOGIN .*?(?:FROM '?([^\s',]+)'? )?FOR '?([^\s',]+)'?,? ?(.*)$/
const KLOGIN_FAILED = /^Authentication failed from (\S+)(?: \((\S+)\))?(?:: (.*))?/
const LOGIND_NEW = /^New session (\S+) of user (\S+?)\.?$/
const LOGIND_REMOVED = /^Removed session (\S+?)\.?$/
const FTP_CONN = /^connection from (\S+)(?: \(([^)]*)\))?/
const FTP_LOGIN = /^(FAILED )?(ANONYMOUS )?FTP LOGIN FROM ([^\s,[]+)(?: \[([^\]]+)\])?,? +\(?([^)\s]*)\)?/

/** Longest message examined: real ones are short, and it bounds the regexes' work. */
const MAX_MSG = 4096

/** Reads the authentication facts of one message, or null when it is not one. */
export function classifyAuth(app: string | null, msg: string): AuthInfo | null {
  if (msg.length > MAX_MSG) return null
  const prog = baseProgram(app)
  if (prog === null) {
    // `login` on some systems logs with an odd ident (`-- root[2421]: ROOT LOGIN ON tty2`).
    if (msg.includes('LOGIN ON')) return loginMessage(msg)
    return null
  }
  if (!AUTH_PROGRAMS.has(prog)) return null
  const pamIdx = msg.indexOf('authentication failure;')
  if (pamIdx !== -1) return pamFailure(msg, pamIdx)
  if (msg.includes('session opened for user') || msg.includes('session closed for user')) {
    const m = SESSION.exec(msg)
    if (m) {
      const opened = m[1] === 'opened'
      const fields: Record<string, unknown> = {}
      if (m[3]) fields.by = m[3].trim()
      return { category: 'auth', action: opened ? 'session-open' : 'session-close', outcome: 'success', actor: m[2]!, fields }
    }
  }
  switch (prog) {
    case 'sshd':
    case 'sshd-session':
    case 'sshd-auth':
    case 'dropbear':
      return sshMessage(msg)
    case 'sudo':
      return sudoMessage(msg)
    case 'su':
      return suMessage(msg)
    case 'login':
      return loginMessage(msg)
    case 'klogind':
      return kloginMessage(msg)
    case 'systemd-logind':
      return logindMessage(msg)
    case 'ftpd':
    case 'in.ftpd':
    case 'vsftpd':
    case 'proftpd':
    case 'pure-ftpd':
      return ftpMessage(msg)
    default:
      if (msg.startsWith("Couldn't authenticate user")) return { category: 'auth', action: 'login', outcome: 'failure' }
      if (msg.startsWith('check pass; user unknown')) return { category: 'auth', action: 'login', outcome: 'failure', fields: { reason: 'user unknown' } }
      return null
  }
}

function pamFailure(msg: string, idx: number): AuthInfo {
  const kv: Record<string, string> = {}
  PAM_KV.lastIndex = idx
  for (let m = PAM_KV.exec(msg); m; m = PAM_KV.exec(msg)) kv[safeKey(m[1]!)] = m[2]!
  const fields: Record<string, unknown> = { ...kv }
  const pam = /^pam_\w+\(([^)]*)\)/.exec(msg)
  if (pam) fields.pamService = pam[1]
  const srcIp = asIp(kv.rhost)
  const info: AuthInfo = { category: 'auth', action: 'login', outcome: 'failure', fields }
  if (kv.user) info.actor = kv.user
  else if (kv.ruser) info.actor = kv.ruser
  if (srcIp) info.srcIp = srcIp
  return info
}

function sshMessage(msg: string): AuthInfo | null {
  const c = msg.charCodeAt(0)
  let m: RegExpExecArray | null
  if (c === 70 /* F */ && msg.startsWith('Failed ') && (m = FAILED.exec(msg))) {
    return withIp({ category: 'auth', action: 'login', outcome: 'failure', actor: m[3]!, fields: sshFields(m[1]!, m[5], !!m[2]) }, m[4])
  }
  if (c === 65 /* A */ && msg.startsWith('Accepted ') && (m = ACCEPTED.exec(msg))) {
    return withIp({ category: 'auth', action: 'login', outcome: 'success', actor: m[2]!, fields: sshFields(m[1]!, m[4], false) }, m[3])
  }
  if (c === 73 /* I */ && (m = INVALID_USER.exec(msg))) {
    return withIp({ category: 'auth', action: 'invalid-user', outcome: 'failure', actor: m[1]!, fields: m[3] ? { port: Number(m[3]) } : {} }, m[2])
  }
  if (msg.includes('maximum authentication attempts') && (m = MAX_ATTEMPTS.exec(msg))) {
    return withIp({ category: 'auth', action: 'login', outcome: 'failure', actor: m[2]!, fields: { reason: 'maximum authentication attempts exceeded', invalidUser: !!m[1] } }, m[3])
  }
  if ((c === 67 || c === 68 || c === 82) && (m = CLOSED.exec(msg))) {
    const actor = m[1] ?? m[2]
    const info: AuthInfo = { category: 'auth', action: 'disconnect', outcome: 'unknown', fields: m[4] ? { port: Number(m[4]) } : {} }
    if (actor) info.actor = actor
    return withIp(info, m[3])
  }
  if (c === 68 && (m = NO_IDENT.exec(msg))) {
    return withIp({ category: 'auth', action: 'connection', outcome: 'failure', fields: { reason: 'no identification string' } }, m[1])
  }
  if (msg.startsWith('check pass; user unknown')) return { category: 'auth', action: 'login', outcome: 'failure', fields: { reason: 'user unknown' } }
  return null
}

function sshFields(method: string, port: string | undefined, invalidUser: boolean): Record<string, unknown> {
  const f: Record<string, unknown> = { method }
  if (port) f.port = Number(port)
  if (invalidUser) f.invalidUser = true
  return f
}

function withIp(info: AuthInfo, addr: string | undefined): AuthInfo {
  const ip = asIp(addr)
  if (ip) info.srcIp = ip
  else if (addr) info.fields = { ...info.fields, rhost: addr }
  return info
}

function sudoMessage(msg: string): AuthInfo | null {
  const m = SUDO.exec(msg)
  if (!m) return null
  const problem = m[2] ?? null
  const fields: Record<string, unknown> = { tty: m[3], pwd: m[4], targetUser: m[5], command: m[6] }
  if (problem) fields.reason = problem
  return { category: 'auth', action: 'sudo', outcome: problem ? 'failure' : 'success', actor: m[1]!, fields }
}

function suMessage(msg: string): AuthInfo | null {
  let m = SU_FAILED.exec(msg)
  if (m) {
    const target = m[1] ?? m[3]
    const fields: Record<string, unknown> = { targetUser: target }
    if (m[5]) fields.tty = m[5]
    return { category: 'auth', action: 'su', outcome: 'failure', actor: (m[2] ?? m[4])!, fields }
  }
  m = SU_OK.exec(msg)
  if (m) {
    const fields: Record<string, unknown> = { targetUser: m[1] ?? m[3] }
    if (m[5]) fields.tty = m[5]
    return { category: 'auth', action: 'su', outcome: 'success', actor: (m[2] ?? m[4])!, fields }
  }
  return null
}

function loginMessage(msg: string): AuthInfo | null {
  let m = ROOT_LOGIN.exec(msg)
  if (m) return withIp({ category: 'auth', action: 'login', outcome: 'success', actor: 'root', fields: { tty: m[1] } }, m[2])
  m = LOGIN_ON.exec(msg)
  if (m) return withIp({ category: 'auth', action: 'login', outcome: 'success', actor: m[2]!, fields: { tty: m[1] } }, m[3])
  if (msg.includes('FAILED LOGIN') && (m = FAILED_LOGIN.exec(msg))) {
    const info: AuthInfo = { category: 'auth', action: 'login', outcome: 'failure', actor: m[2]!, fields: { reason: m[3] } }
    return m[1] && m[1] !== '(null)' ? withIp(info, m[1]) : info
  }
  return null
}

function kloginMessage(msg: string): AuthInfo | null {
  const m = KLOGIN_FAILED.exec(msg)
  if (m) {
    const info: AuthInfo = { category: 'auth', action: 'login', outcome: 'failure', fields: m[3] ? { reason: m[3].trim() } : {} }
    return withIp(info, m[2] ?? m[1])
  }
  if (msg.startsWith('Kerberos authentication failed')) return { category: 'auth', action: 'login', outcome: 'failure', fields: { method: 'kerberos' } }
  return null
}

function logindMessage(msg: string): AuthInfo | null {
  let m = LOGIND_NEW.exec(msg)
  if (m) return { category: 'auth', action: 'session-open', outcome: 'success', actor: m[2]!, fields: { session: m[1] } }
  m = LOGIND_REMOVED.exec(msg)
  if (m) return { category: 'auth', action: 'session-close', outcome: 'success', fields: { session: m[1] } }
  return null
}

function ftpMessage(msg: string): AuthInfo | null {
  const login = msg.includes('FTP LOGIN FROM') ? FTP_LOGIN.exec(msg) : null
  if (login) {
    const info: AuthInfo = { category: 'auth', action: 'login', outcome: login[1] ? 'failure' : 'success', fields: { method: 'ftp', anonymous: !!login[2] } }
    if (login[5]) info.actor = login[5]
    return withIp(info, login[4] ?? login[3])
  }
  const m = FTP_CONN.exec(msg)
  if (!m) return null
  const info: AuthInfo = { category: 'network', action: 'connection', outcome: 'unknown', fields: m[2] ? { rhost: m[2] } : {} }
  return withIp(info, m[1])
}
