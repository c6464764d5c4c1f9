// Suricata EVE JSON lines (alert, flow, dns, http, tls, fileinfo, anomaly, stats…). The
// `timestamp` carries a numeric offset without a colon ("+0000"); Suricata writes the
// sensor's local offset, and "-0000" also occurs and still means UTC. A flow record is
// stamped when it is written (at flow end or timeout); flow.start / flow.end stay in fields.
import type { Outcome } from '@shared/event'
import type { Importer, LineParser, ParsedEvent, SniffInput } from '../../types'
import { bad, ok } from '../../types'
import { parseIsoInstant } from './stamps'
import { firstChar, ipOrNull, jsonKeys, num, obj, parseJsonObject, rest, str, type JsonObject } from './values'

function endpoint(ip: string | null, port: number | null): string {
  if (!ip) return '?'
  return port === null ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`
}

function httpOutcome(status: number | null): Outcome {
  if (status === null) return 'unknown'
  return status >= 400 ? 'failure' : 'success'
}

export function eveEvent(r: JsonObject): ParsedEvent[] | string {
  const rawTime = str(r.timestamp)
  if (rawTime === null) return 'no timestamp'
  const time = parseIsoInstant(rawTime)
  if (!time) return `timestamp "${rawTime}" is not an ISO instant with an offset`
  const type = str(r.event_type) ?? 'unknown'
  const srcIp = ipOrNull(r.src_ip)
  const dstIp = ipOrNull(r.dest_ip)
  const proto = str(r.proto)
  const flowText = `${proto ? `${proto} ` : ''}${endpoint(srcIp, num(r.src_port))} → ${endpoint(dstIp, num(r.dest_port))}`
  let outcome: Outcome = 'unknown'
  let message: string
  const alert = obj(r.alert)
  const http = obj(r.http)
  switch (type) {
    case 'alert': {
      const action = str(alert?.action)
      if (action === 'blocked') outcome = 'failure'
      message = `Alert [severity ${str(alert?.severity) ?? '?'}] ${str(alert?.signature) ?? 'unknown signature'} ${flowText}${action ? ` (${action})` : ''}`
      break
    }
    case 'http': {
      const status = num(http?.status)
      outcome = httpOutcome(status)
      message = `HTTP ${str(http?.http_method) ?? ''} ${str(http?.hostname) ?? ''}${str(http?.url) ?? ''} → ${status ?? '-'} ${flowText}`
      break
    }
    case 'dns': {
      const dns = obj(r.dns)
      const q = obj(Array.isArray(dns?.queries) ? dns.queries[0] : null)
      message = `DNS ${str(dns?.type) ?? ''} ${str(dns?.rrname) ?? str(q?.rrname) ?? ''} ${str(dns?.rrtype) ?? str(q?.rrtype) ?? ''} ${str(dns?.rcode) ?? ''} ${flowText}`
      break
    }
    case 'tls': {
      const tls = obj(r.tls)
      message = `TLS ${str(tls?.sni) ?? ''} ${str(tls?.version) ?? ''} ${flowText}`
      break
    }
    case 'fileinfo': {
      const f = obj(r.fileinfo)
      message = `File ${str(f?.filename) ?? '?'} (${str(f?.size) ?? '?'} bytes) ${flowText}`
      break
    }
    case 'flow': {
      const flow = obj(r.flow)
      message = `Flow ${flowText} ${str(flow?.state) ?? ''} ${str(flow?.bytes_toserver) ?? '?'}/${str(flow?.bytes_toclient) ?? '?'} bytes`
      break
    }
    case 'stats':
      message = 'Suricata engine statistics'
      break
    default:
      message = `${type} ${srcIp || dstIp ? flowText : ''}`
  }
  return [
    {
      time,
      rawTime,
      category: 'network',
      action: type,
      outcome,
      host: str(r.host),
      srcIp,
      dstIp,
      message: message.replace(/\s+/g, ' ').trim(),
      fields: rest(r, ['timestamp', 'event_type', 'src_ip', 'dest_ip', 'host'])
    }
  ]
}

export const suricataEve: Importer = {
  id: 'suricata-eve',
  name: 'Suricata EVE JSON',
  description: 'Suricata eve.json lines (alerts, flows, protocol records); timestamps carry an offset.',
  sniff(input: SniffInput): number {
    if (firstChar(input.text) !== '{') return 0
    const keys = jsonKeys(input.lines.slice(0, 20).join('\n'))
    if (!keys.has('event_type') || !keys.has('timestamp')) return 0
    return keys.has('flow_id') || keys.has('src_ip') || keys.has('in_iface') || keys.has('stats') ? 0.95 : 0.6
  },
  createLineParser(): LineParser {
    return {
      line(text) {
        const r = parseJsonObject(text)
        if (typeof r === 'string') return bad(r)
        const out = eveEvent(r)
        return typeof out === 'string' ? bad(out) : ok(...out)
      }
    }
  }
}
