// Linux netfilter (iptables/nftables LOG target, UFW) packet lines as the kernel writes them
// to syslog: `kernel: [uptime] PREFIX IN=eth0 OUT= MAC=… SRC=… DST=… PROTO=TCP SPT=… DPT=…`.
// The log prefix is free text chosen by the admin; the verdict is read from it (DROP,
// REJECT, ACCEPT, BLOCK…). Time quirk: only the syslog header dates the line (BSD: no year,
// no zone); the bracketed kernel uptime is seconds since boot and is kept in fields, not
// used as a time. Other lines of the same file are read as plain syslog.
import type { Outcome } from '@shared/event'
import type { Importer, LineOutput, ParsedEvent } from '../../types'
import { bad, ok } from '../../types'
import { parseSyslogHeader, type SyslogHeader } from './header'
import { headerFields, syslogEvent } from './rfc3164'
import { headLines } from './sniffing'
import { asIp, endpoint, port, safeKey } from './text'

const VERDICT = /(DROP|REJECT|ACCEPT|BLOCK|ALLOW|DENY|DENIED|AUDIT|INVALID|LIMIT)/i
const VERDICT_OUTCOME: Record<string, Outcome> = {
  drop: 'failure', reject: 'failure', block: 'failure', deny: 'failure', denied: 'failure', invalid: 'failure', limit: 'failure',
  accept: 'success', allow: 'success', audit: 'unknown'
}

/** True when the message at `from` carries netfilter's SRC= and DST= keys. */
function isNetfilter(s: string, from: number): boolean {
  const src = s.indexOf('SRC=', from)
  return src !== -1 && s.indexOf(' DST=', src) !== -1
}

function isKeyToken(t: string): boolean {
  const eq = t.indexOf('=')
  if (eq <= 0) return false
  for (let k = 0; k < eq; k++) {
    const c = t.charCodeAt(k)
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) return false
  }
  return true
}

export function netfilterEvent(h: SyslogHeader, s: string): ParsedEvent {
  let p = h.msgStart
  const fields = headerFields(h)
  if (s.charCodeAt(p) === 91) {
    // `[  203.842973]` is the uptime; `[UFW BLOCK]` is a log prefix and stays.
    const close = s.indexOf(']', p)
    const inner = close === -1 ? '' : s.slice(p + 1, close).trim()
    if (/^\d+(?:\.\d+)?$/.test(inner)) {
      fields.kernelUptime = Number(inner)
      p = close + 1
    }
  }
  const tokens = s.slice(p).trim().split(/ +/)
  let k = 0
  while (k < tokens.length && !isKeyToken(tokens[k]!)) k++
  const prefix = tokens.slice(0, k).join(' ')
  const kv: Record<string, string> = {}
  const flags: string[] = []
  for (; k < tokens.length; k++) {
    const t = tokens[k]!
    const eq = t.indexOf('=')
    if (eq <= 0) {
      flags.push(t)
      continue
    }
    let key = safeKey(t.slice(0, eq))
    // LEN appears twice in UDP lines (IP length, then UDP length): keep both.
    if (key in kv) key = `${key}_2`
    kv[key] = t.slice(eq + 1)
  }
  if (prefix) fields.prefix = prefix
  Object.assign(fields, kv)
  if (flags.length) fields.flags = flags
  const sport = port(kv.SPT)
  const dport = port(kv.DPT)
  if (sport !== undefined) fields.srcPort = sport
  if (dport !== undefined) fields.dstPort = dport
  const v = VERDICT.exec(prefix)
  const verdict = v ? v[1]!.toLowerCase() : null
  const srcIp = asIp(kv.SRC)
  const dstIp = asIp(kv.DST)
  const proto = kv.PROTO ?? '?'
  const dir = kv.IN ? ` in ${kv.IN}` : kv.OUT ? ` out ${kv.OUT}` : ''
  return {
    time: h.time,
    rawTime: h.rawTime,
    category: 'network',
    action: verdict ?? 'log',
    outcome: verdict ? (VERDICT_OUTCOME[verdict] ?? 'unknown') : 'unknown',
    host: h.host,
    srcIp,
    dstIp,
    message: `${prefix ? prefix.replace(/:$/, '') + ' ' : ''}${proto} ${endpoint(kv.SRC, sport)} → ${endpoint(kv.DST, dport)}${dir}`,
    fields
  }
}

export function iptablesLine(text: string): LineOutput {
  const h = parseSyslogHeader(text)
  if (typeof h === 'string') return bad(h)
  if (isNetfilter(text, h.msgStart)) return ok(netfilterEvent(h, text))
  return ok(syslogEvent(h, text))
}

export const iptables: Importer = {
  id: 'iptables',
  name: 'Linux netfilter (iptables / UFW) log',
  description: 'Kernel packet-log lines in syslog: IN= OUT= SRC= DST= PROTO= SPT= DPT=; the verdict from the log prefix; kernel uptime kept.',
  sniff(input) {
    const lines = headLines(input)
    if (lines.length === 0) return 0
    let syslog = 0
    let netfilter = 0
    for (const l of lines) {
      const h = parseSyslogHeader(l)
      if (typeof h === 'string') continue
      syslog++
      if (isNetfilter(l, h.msgStart) && l.includes('PROTO=')) netfilter++
    }
    if (netfilter === 0 || syslog / lines.length < 0.5) return 0
    // Any packet lines among syslog lines: this importer reads the rest as plain syslog too.
    return 0.85 + 0.1 * (netfilter / lines.length)
  },
  createLineParser() {
    return { line: (text) => iptablesLine(text) }
  }
}
