// Meaning of a Zeek log record, shared by the TSV and JSON importers: given the log's path
// (conn, dhcp, dns, http, ssl, files, notice…) and the record's flat dotted keys, it fills
// addresses, outcome and a readable message. Unknown paths still import generically.
import type { Outcome } from '@shared/event'
import type { EventTime, ParsedEvent } from '../../types'
import { firstStr, ipOrNull, num, rest, str, type JsonObject } from './values'

const ESTABLISHED = new Set(['SF', 'S1', 'S2', 'S3', 'RSTO', 'RSTR'])
const NOT_ANSWERED = new Set(['REJ', 'S0', 'RSTOS0'])

export const ZEEK_LOG_NAMES = new Set([
  'conn', 'dns', 'http', 'ssl', 'x509', 'files', 'dhcp', 'notice', 'weird', 'ssh', 'smtp', 'ftp', 'kerberos', 'ntlm', 'rdp',
  'smb_files', 'smb_mapping', 'dce_rpc', 'snmp', 'sip', 'software', 'known_hosts', 'known_services', 'known_certs', 'tunnel',
  'pe', 'irc', 'mysql', 'radius', 'socks', 'syslog', 'modbus', 'dnp3', 'ocsp', 'intel', 'signatures', 'traceroute',
  'capture_loss', 'stats', 'reporter', 'loaded_scripts', 'packet_filter', 'analyzer', 'dpd', 'ntp', 'quic', 'websocket'
])

function first(v: unknown): unknown {
  return Array.isArray(v) ? v[0] : v
}

function flow(r: JsonObject): string {
  const o = str(r['id.orig_h'])
  const op = str(r['id.orig_p'])
  const d = str(r['id.resp_h'])
  const dp = str(r['id.resp_p'])
  if (!o && !d) return ''
  return `${o ?? '?'}${op ? `:${op}` : ''} → ${d ?? '?'}${dp ? `:${dp}` : ''}`
}

function list(v: unknown): string {
  return Array.isArray(v) ? v.map((x) => String(x)).join(',') : (str(v) ?? '')
}

function boolOutcome(v: unknown): Outcome {
  return v === true ? 'success' : v === false ? 'failure' : 'unknown'
}

export function zeekEvent(path: string, r: JsonObject, time: EventTime, rawTime: string): ParsedEvent {
  let srcIp = ipOrNull(r['id.orig_h'])
  let dstIp = ipOrNull(r['id.resp_h'])
  let host: string | null = null
  let actor: string | null = null
  let outcome: Outcome = 'unknown'
  let message: string
  switch (path) {
    case 'conn': {
      const state = str(r.conn_state)
      outcome = state && ESTABLISHED.has(state) ? 'success' : state && NOT_ANSWERED.has(state) ? 'failure' : 'unknown'
      const dur = num(r.duration)
      message = `${str(r.proto) ?? ''} ${flow(r)} ${str(r.service) ?? ''} ${state ?? ''}${dur !== null ? ` ${dur}s` : ''} ${str(r.orig_bytes) ?? '-'}/${str(r.resp_bytes) ?? '-'} bytes`
      break
    }
    case 'dhcp': {
      srcIp = ipOrNull(r.client_addr) ?? ipOrNull(r.assigned_addr) ?? srcIp
      dstIp = ipOrNull(r.server_addr) ?? dstIp
      host = str(r.host_name)
      message = `DHCP ${list(r.msg_types)} ${str(r.mac) ?? ''} ${host ?? ''} ${str(r.client_addr) ?? ''}${str(r.assigned_addr) ? ` assigned ${str(r.assigned_addr)}` : ''}`
      break
    }
    case 'dns': {
      const rcode = str(r.rcode_name)
      outcome = rcode === 'NOERROR' ? 'success' : rcode ? 'failure' : 'unknown'
      message = `DNS ${str(r.query) ?? '?'} ${str(r.qtype_name) ?? ''} → ${rcode ?? 'no reply'}${Array.isArray(r.answers) && r.answers.length ? ` ${list(r.answers)}` : ''} ${flow(r)}`
      break
    }
    case 'http': {
      const status = num(r.status_code)
      outcome = status === null ? 'unknown' : status >= 400 ? 'failure' : 'success'
      actor = str(r.username)
      message = `HTTP ${str(r.method) ?? ''} ${str(r.host) ?? ''}${str(r.uri) ?? ''} → ${status ?? '-'} ${flow(r)}`
      break
    }
    case 'ssl': {
      outcome = boolOutcome(r.established)
      message = `TLS ${str(r.server_name) ?? ''} ${str(r.version) ?? ''} ${r.established === true ? 'established' : r.established === false ? 'not established' : ''} ${flow(r)}`
      break
    }
    case 'files': {
      srcIp = srcIp ?? ipOrNull(first(r.tx_hosts))
      dstIp = dstIp ?? ipOrNull(first(r.rx_hosts))
      message = `File ${str(r.filename) ?? str(r.fuid) ?? '?'} ${str(r.mime_type) ?? ''} ${str(r.total_bytes) ?? str(r.seen_bytes) ?? '?'} bytes via ${str(r.source) ?? '?'}`
      break
    }
    case 'notice':
      srcIp = srcIp ?? ipOrNull(r.src)
      dstIp = dstIp ?? ipOrNull(r.dst)
      message = `Notice ${str(r.note) ?? ''}: ${str(r.msg) ?? ''} ${flow(r)}`
      break
    case 'weird':
      message = `Weird ${str(r.name) ?? ''} ${str(r.addl) ?? ''} ${flow(r)}`
      break
    case 'ssh':
      outcome = boolOutcome(r.auth_success)
      message = `SSH ${str(r.client) ?? ''} → ${str(r.server) ?? ''}${r.auth_success === true ? ' auth succeeded' : r.auth_success === false ? ' auth failed' : ''} ${flow(r)}`
      break
    case 'kerberos':
    case 'ntlm':
      outcome = boolOutcome(r.success)
      actor = firstStr(r.client, r.username)
      message = `${path === 'kerberos' ? 'Kerberos' : 'NTLM'} ${str(r.request_type) ?? ''} ${actor ?? ''} ${str(r.service) ?? str(r.server_nb_computer_name) ?? ''} ${flow(r)}`
      break
    default:
      message = `${path} ${flow(r)}`
  }
  return {
    time,
    rawTime,
    category: 'network',
    action: path,
    outcome,
    actor,
    host,
    srcIp,
    dstIp,
    message: message.replace(/\s+/g, ' ').trim(),
    fields: rest(r, ['ts', '_path'])
  }
}

/** The log path a Zeek JSON record belongs to when it has no `_path`: from the file name, else its keys. */
export function guessZeekPath(fileName: string, r: JsonObject): string | null {
  const stem = fileName.toLowerCase().split(/[./\\]/)[0] ?? ''
  if (ZEEK_LOG_NAMES.has(stem)) return stem
  if ('conn_state' in r || 'history' in r) return 'conn'
  if ('qtype_name' in r || 'rcode_name' in r) return 'dns'
  if ('status_code' in r && 'uri' in r) return 'http'
  if ('msg_types' in r || 'assigned_addr' in r) return 'dhcp'
  if ('server_name' in r && 'cipher' in r) return 'ssl'
  if ('fuid' in r && 'mime_type' in r) return 'files'
  if ('note' in r && 'msg' in r) return 'notice'
  return null
}
