// One Windows event as the schema http://schemas.microsoft.com/win/2004/08/events/event
// defines it, read from an <Event> element tree whatever its origin (EVTX BinXML or
// Event Viewer XML text). Time is System/TimeCreated/@SystemTime, always UTC.
import { isoToMicros } from '@shared/time'
import type { ParsedEvent } from '../../types'
import { classify } from './eventSemantics'
import { attr, child, childElements, localName, textOf, type XmlElement } from './xmlTree'

export interface WinEvent {
  eventId: number | null
  provider: string | null
  channel: string | null
  computer: string | null
  /** UTC microseconds of TimeCreated/@SystemTime, or null when absent or unreadable. */
  timeUs: number | null
  /** SystemTime as written (7 fractional digits for EVTX). */
  timeText: string | null
  level: string | null
  keywords: string | null
  securityUserId: string | null
  /** EventData / UserData name→value pairs. */
  data: Record<string, string>
  /** System values and the event payload, flat, for ParsedEvent.fields. */
  fields: Record<string, unknown>
  /** RenderingInfo/Message when the export carried rendered text. */
  renderedMessage: string | null
}

const nonEmpty = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s)

/** Fields taken from System, in the order Windows writes them. */
function systemFields(system: XmlElement | undefined): Record<string, string> {
  const f: Record<string, string> = {}
  const set = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') f[k] = v
  }
  const provider = child(system, 'Provider')
  set('Provider', attr(provider, 'Name')?.value)
  set('ProviderGuid', attr(provider, 'Guid')?.value)
  set('EventSourceName', attr(provider, 'EventSourceName')?.value)
  const eventId = child(system, 'EventID')
  set('EventID', textOf(eventId).trim())
  set('Qualifiers', attr(eventId, 'Qualifiers')?.value)
  for (const name of ['Version', 'Level', 'Task', 'Opcode', 'Keywords']) set(name, textOf(child(system, name)).trim())
  set('TimeCreated', attr(child(system, 'TimeCreated'), 'SystemTime')?.value)
  set('EventRecordID', textOf(child(system, 'EventRecordID')).trim())
  const correlation = child(system, 'Correlation')
  set('ActivityID', attr(correlation, 'ActivityID')?.value)
  set('RelatedActivityID', attr(correlation, 'RelatedActivityID')?.value)
  const execution = child(system, 'Execution')
  set('ExecutionProcessID', attr(execution, 'ProcessID')?.value)
  set('ExecutionThreadID', attr(execution, 'ThreadID')?.value)
  set('Channel', textOf(child(system, 'Channel')).trim())
  set('Computer', textOf(child(system, 'Computer')).trim())
  set('SecurityUserID', attr(child(system, 'Security'), 'UserID')?.value)
  return f
}

/**
 * EventData holds <Data Name="…">; classic events have unnamed <Data> (kept as Data1…)
 * and a <Binary>. UserData holds one provider-defined element whose children are the pairs.
 */
function payload(event: XmlElement): Record<string, string> {
  const data: Record<string, string> = {}
  const eventData = child(event, 'EventData')
  if (eventData) {
    let unnamed = 0
    for (const el of childElements(eventData)) {
      const name = localName(el.name)
      if (name === 'Data') {
        const key = attr(el, 'Name')?.value || `Data${++unnamed}`
        data[key] = textOf(el)
      } else data[name] = textOf(el)
    }
  }
  const userData = child(event, 'UserData')
  if (userData) {
    for (const container of childElements(userData)) {
      data.UserDataType ??= localName(container.name)
      for (const el of childElements(container)) data[localName(el.name)] = textOf(el)
    }
  }
  return data
}

export function winEventFromElement(event: XmlElement): WinEvent {
  const system = child(event, 'System')
  const sys = systemFields(system)
  const data = payload(event)
  const timeAttr = attr(child(system, 'TimeCreated'), 'SystemTime')
  let timeUs: number | null = null
  if (timeAttr) timeUs = timeAttr.us ?? isoToMicros(timeAttr.value)

  // Payload names may repeat a System name (104 has a "Channel"): the System value keeps its name.
  const fields: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data)) fields[k in sys ? `EventData.${k}` : k] = v
  Object.assign(fields, sys)

  const rendering = child(event, 'RenderingInfo')
  const idText = sys.EventID
  const eventId = idText !== undefined && /^\d+$/.test(idText) ? Number(idText) : null
  if (rendering) {
    for (const name of ['Level', 'Task', 'Opcode', 'Channel', 'Provider']) {
      const t = textOf(child(rendering, name)).trim()
      if (t) fields[`Rendered${name}`] = t
    }
  }
  return {
    eventId,
    provider: nonEmpty(sys.Provider),
    channel: nonEmpty(sys.Channel),
    computer: nonEmpty(sys.Computer),
    timeUs,
    timeText: timeAttr?.value ?? null,
    level: nonEmpty(sys.Level),
    keywords: nonEmpty(sys.Keywords),
    securityUserId: nonEmpty(sys.SecurityUserID),
    data,
    fields,
    renderedMessage: nonEmpty(textOf(child(rendering, 'Message')).trim())
  }
}

/** The normalised event for a Windows event whose SystemTime was read (EVTX and XML alike). */
export function winEventToParsed(ev: WinEvent & { timeUs: number }, extraFields: Record<string, unknown>): ParsedEvent {
  const c = classify(ev)
  return {
    time: { kind: 'utc', us: ev.timeUs },
    rawTime: ev.timeText ?? '',
    category: c.category,
    action: c.action,
    outcome: c.outcome,
    actor: c.actor,
    actorId: c.actorId,
    host: c.host,
    srcIp: c.srcIp,
    message: c.message,
    fields: { ...ev.fields, ...c.extra, ...extraFields }
  }
}
