// Proposes a mapping profile from a header (and, when given, a few sample rows) for the
// mapping dialog: which column looks like the time, the card, the cardholder, the door…
// and which time format the samples are written in. It only proposes: the investigator
// confirms every choice, and whatever could not be matched is listed as missing.
import { normKey } from '../formats/badge/fieldBag'
import type { MappingColumns, MappingProfile } from './profile'

export interface MappingSuggestion {
  /** Complete except for what `missing` lists; the dialog edits it and validates with parseMappingProfile. */
  draft: MappingProfile
  /** Profile field → the header column proposed for it. */
  matches: Record<string, string>
  /** Profile fields that could not be proposed, e.g. "time.column", "time.format". */
  missing: string[]
  notes: string[]
}

type Field = keyof MappingColumns | 'time'

/** Patterns over normalised header names, best first within each field. */
const RULES: [Field, RegExp[]][] = [
  ['time', [/^(timestamp|eventtimestamp|datetime|eventtime|eventdatetime|time|date)(utc|gmt|local)?$/, /timestamp/, /datetime|occurred|logged|created/, /time$|^time|date$/]],
  ['cardNumber', [/^(card|cardno|cardnum|cardnumber|badge|badgeid|badgeno|badgenumber|credential|token|tokennumber|fob|proxid|tag)$/, /card|badge|credential|token|prox/]],
  ['employeeId', [/^(empid|employeeid|employeeno|employeenumber|staffid|staffno|personnelid|personid|userid)$/, /employee(id|no|number)|staff(id|no)/]],
  ['actor', [/^(cardholder|name|fullname|user|username|person|holder|actor|employee|employeename)$/, /cardholder|fullname|username|personname|employeename/, /name$/]],
  ['reader', [/^(reader|readername|readerdesc|accesspoint)$/, /reader|accesspoint/]],
  ['door', [/^(door|doorname|portal|entrance|device|devicename)$/, /door|portal|entrance/]],
  ['site', [/^(site|sitename|building|facility|campus|premises)$/, /site|building|facility/]],
  ['reason', [/^(reason|cause|denialreason|failurereason)$/, /reason/]],
  ['action', [/^(event|eventtype|eventname|action|activity|transaction|condition|eventdescription|type)$/, /event|action|activity|txn|condition/]],
  ['outcome', [/^(result|outcome|status|disposition)$/]],
  ['message', [/^(message|details|description|text|msg|summary)$/]],
  ['host', [/^(host|hostname|computer|computername|server|device)$/]],
  ['srcIp', [/^(srcip|sourceip|clientip|src|sourceaddress|remoteip)$/]],
  ['dstIp', [/^(dstip|destip|destinationip|dst|destinationaddress|serverip)$/]],
  ['location', [/^(location|area|zone|room|place)$/]]
]

const ISO = /^\d{4}-\d{2}-\d{2}[T ]\d{1,2}:\d{2}(:\d{2}([.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+\d{1,2}:\d{2}(:\d{2})?(\s*[AaPp][Mm])?$/
const DASH_DMY = /^(\d{1,2})-(\d{1,2})-(\d{4})\s+\d{1,2}:\d{2}(:\d{2})?$/

/** A time format for sample values, with a note when the choice needs the investigator's eye. */
export function suggestTimeFormat(values: string[]): { format: string | null; note?: string } {
  const vs = values.map((v) => v.trim()).filter((v) => v !== '')
  if (vs.length === 0) return { format: null }
  if (vs.every((v) => ISO.test(v))) return { format: 'iso' }
  if (vs.every((v) => /^\d{10}(\.\d+)?$/.test(v))) return { format: 'epoch-s' }
  if (vs.every((v) => /^\d{13}$/.test(v))) return { format: 'epoch-ms' }
  const slash = vs.map((v) => SLASH.exec(v))
  if (slash.every(Boolean)) {
    const seconds = slash[0]![4] ? ':ss' : ''
    const ampm = Boolean(slash[0]![5])
    const dayFirst = slash.some((m) => Number(m![1]) > 12)
    const monthFirst = slash.some((m) => Number(m![2]) > 12)
    if (dayFirst && monthFirst) return { format: null, note: 'the sample dates mix day-first and month-first' }
    const time = ampm ? `h:mm${seconds} a` : `H:mm${seconds}`
    const date = dayFirst ? 'd/M/yyyy' : 'M/d/yyyy'
    return { format: `${date} ${time}`, note: dayFirst || monthFirst ? undefined : `the sample dates fit both day and month first: ${date} proposed, check it` }
  }
  const dash = vs.map((v) => DASH_DMY.exec(v))
  if (dash.every(Boolean)) return { format: `d-M-yyyy H:mm${dash[0]![4] ? ':ss' : ''}` }
  return { format: null }
}

export function suggestMapping(
  headerColumns: string[],
  options: { kind?: MappingProfile['kind']; sampleRows?: string[][] } = {}
): MappingSuggestion {
  const kind = options.kind ?? 'csv'
  const keys = headerColumns.map(normKey)
  const taken = new Set<number>()
  const matches: Record<string, string> = {}
  const pick = (field: Field): number => {
    const rules = RULES.find(([f]) => f === field)![1]
    for (const re of rules) {
      const i = keys.findIndex((k, j) => !taken.has(j) && re.test(k))
      if (i !== -1) {
        taken.add(i)
        matches[field === 'time' ? 'time.column' : `columns.${field}`] = headerColumns[i]!
        return i
      }
    }
    return -1
  }

  const notes: string[] = []
  const missing: string[] = []
  const timeIdx = pick('time')
  const columns: MappingColumns = {}
  for (const [field] of RULES) {
    if (field === 'time') continue
    const i = pick(field)
    if (i !== -1) columns[field] = headerColumns[i]
  }
  const access = columns.cardNumber !== undefined || columns.door !== undefined || columns.reader !== undefined
  if (access) {
    // Access events carry the door in site/door/reader, not in host or location.
    delete columns.host
    delete matches['columns.host']
  }

  let format = ''
  if (timeIdx === -1) missing.push('time.column')
  else {
    if (keys.includes('date') && keys.includes('time')) notes.push('date and time are separate columns: a mapping reads one time column')
    const s = suggestTimeFormat((options.sampleRows ?? []).map((r) => r[timeIdx] ?? ''))
    if (s.format) format = s.format
    if (s.note) notes.push(s.note)
  }
  if (!format) missing.push('time.format')
  const timeName = timeIdx === -1 ? '' : headerColumns[timeIdx]!
  const zone = /utc|gmt|zulu/i.test(timeName) ? 'utc' : 'local'
  notes.push(zone === 'utc' ? `"${timeName}" names UTC: zone utc proposed` : 'no zone in the header: local proposed (the source zone applies)')

  return {
    draft: {
      id: 'new-mapping',
      name: 'New mapping',
      kind,
      ...(kind === 'jsonl' ? {} : { delimiter: kind === 'tsv' ? '\t' : ',' }),
      headerRow: kind !== 'jsonl',
      time: { column: timeName, format, zone },
      columns,
      category: access ? 'access' : 'other'
    },
    matches,
    missing,
    notes
  }
}
