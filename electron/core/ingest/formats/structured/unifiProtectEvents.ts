// UniFi Protect event list, as returned by the Protect API (/proxy/protect/api/events) and
// saved by tools such as uiprotect: a JSON array of events with `type`, `start` / `end` in
// epoch milliseconds (UTC; `end` is null while an event is open), `camera`, `score`,
// `smartDetectTypes` and type-specific `metadata` whose values are often {"text": …}.
// Note: type "access" is a user opening the Protect console/app (metadata.clientPlatform),
// not a door, so it is filed under auth; NFC, fingerprint and entry-sensor events are the
// physical access ones.
import type { EventCategory, Outcome } from '@shared/event'
import type { Importer, ParsedEvent, ParserContext, SniffInput } from '../../types'
import { microsToIso } from '@shared/time'
import { jsonRecordOutputs } from './jsonRecords'
import { epochMillis } from './stamps'
import { firstChar, firstStr, isObject, jsonKeys, num, obj, rest, str, type JsonObject } from './values'

const VIDEO = new Set(['motion', 'smartDetectZone', 'smartDetectLine', 'smartDetectLoiterZone', 'smartAudioDetect', 'ring', 'lightMotion', 'sensorMotion'])
const ACCESS = new Set(['nfcCardScanned', 'fingerprintIdentified', 'sensorOpened', 'sensorClosed'])
const SYSTEM = new Set([
  'disconnect', 'provision', 'update', 'deviceAdopted', 'deviceUnadopted', 'deviceConnected', 'deviceDisconnected', 'offline',
  'cameraPowerCycle', 'poorConnection', 'recordingDeleted', 'recordingModeChanged', 'install', 'videoExported', 'deviceReboot'
])

function categoryOf(type: string): EventCategory {
  if (VIDEO.has(type)) return 'video'
  if (ACCESS.has(type)) return 'access'
  if (SYSTEM.has(type)) return 'system'
  if (type === 'access') return 'auth'
  return 'other'
}

/** Metadata values come bare or wrapped as {"text": …}. */
function meta(m: JsonObject | null, key: string): string | null {
  if (!m) return null
  const v = m[key]
  return str(v) ?? str(obj(v)?.text)
}

/** Newer Protect versions ship the sentence the UI shows, with {placeholders}. */
function uiSentence(r: JsonObject): string | null {
  const d = obj(r.description)
  const raw = str(d?.messageRaw)
  if (!raw) return null
  const keys = Array.isArray(d?.messageKeys) ? d.messageKeys.filter(isObject) : []
  return raw
    .replace(/\{viewLink\}/g, '')
    .replace(/\{(\w+)\}/g, (whole, k: string) => str(keys.find((x) => x.key === k)?.text) ?? whole)
    .trim()
}

function describe(type: string, r: JsonObject, m: JsonObject | null, where: string | null): string {
  const at = where ? ` on ${where}` : ''
  const score = num(r.score)
  const scoreText = score ? ` (score ${score})` : ''
  const smart = Array.isArray(r.smartDetectTypes) ? r.smartDetectTypes.map(String).join(', ') : ''
  switch (type) {
    case 'motion':
      return `Motion${at}${scoreText}`
    case 'smartDetectZone':
    case 'smartDetectLine':
    case 'smartDetectLoiterZone':
    case 'smartAudioDetect':
      return `Smart detection ${smart || type}${at}${scoreText}`
    case 'sensorMotion':
      return `Motion sensor ${meta(m, 'sensorName') ?? '?'} triggered`
    case 'lightMotion':
      return `Floodlight ${meta(m, 'lightName') ?? '?'} detected motion`
    case 'ring':
      return `Doorbell ring${at}`
    case 'access':
      return `Protect console opened by user ${str(r.user) ?? '?'}${meta(m, 'clientPlatform') ? ` (${meta(m, 'clientPlatform')})` : ''}`
    case 'nfcCardScanned':
      return `NFC card ${str(obj(m?.nfc)?.nfcId) ?? '?'} scanned${at}`
    case 'fingerprintIdentified':
      return `Fingerprint identified${at}`
    case 'disconnect':
      return `Disconnected${at}${meta(m, 'reason') ? ` (${meta(m, 'reason')})` : ''}`
    case 'sensorOpened':
    case 'sensorClosed':
      return `Sensor ${meta(m, 'sensorName') ?? '?'} ${type === 'sensorOpened' ? 'opened' : 'closed'}${meta(m, 'mountType') ? ` (${meta(m, 'mountType')})` : ''}`
    case 'deviceAdopted':
      return `Device ${meta(m, 'name') ?? '?'} (${meta(m, 'type') ?? '?'}) adopted${meta(m, 'adoptedBy') ? ` by ${meta(m, 'adoptedBy')}` : ''}`
    default:
      return `${type}${at}`
  }
}

export function protectEvent(r: JsonObject, ctx?: ParserContext): ParsedEvent[] | string {
  const start = num(r.start)
  if (start === null) return 'no start time'
  const time = epochMillis(start)
  if (!time) return `start ${String(r.start)} is not epoch milliseconds`
  const type = str(r.type) ?? 'unknown'
  const m = obj(r.metadata)
  const category = categoryOf(type)
  if (category === 'other') ctx?.note(`UniFi Protect event type "${type}" is not known: imported under "other"`)
  const nfc = obj(m?.nfc)
  const where = firstStr(r.camera, meta(m, 'sensorName'), meta(m, 'lightName'))
  const actorId = firstStr(nfc?.nfcId, obj(m?.fingerprint)?.ulpId, r.user)
  const fields = rest(r, ['start', 'type', 'camera', 'thumbnail', 'heatmap', 'modelKey'])
  const end = num(r.end)
  fields.end = end
  if (end !== null) fields.endUtc = microsToIso(Math.round(end * 1000))
  const outcome: Outcome = type === 'fingerprintIdentified' ? 'success' : 'unknown'
  return [
    {
      time,
      rawTime: String(r.start),
      category,
      action: type,
      outcome,
      actorId,
      location: where,
      message: uiSentence(r) ?? describe(type, r, m, r.camera ? `camera ${String(r.camera)}` : where),
      fields
    }
  ]
}

export const unifiProtectEvents: Importer = {
  id: 'unifi-protect-events',
  name: 'UniFi Protect events',
  description: 'UniFi Protect event list (JSON array from the Protect API); start/end are epoch milliseconds UTC.',
  sniff(input: SniffInput): number {
    const c = firstChar(input.text)
    if (c !== '[' && c !== '{') return 0
    if (!/"modelKey"\s*:\s*"event"/.test(input.text)) return 0
    const keys = jsonKeys(input.text)
    return keys.has('start') && keys.has('type') && (keys.has('smartDetectTypes') || keys.has('camera')) ? 0.95 : 0.5
  },
  readRecords(path, ctx) {
    ctx.note('start/end read as epoch milliseconds (UTC); the event time is start')
    return jsonRecordOutputs(path, ctx, (r) => protectEvent(r, ctx))
  }
}
