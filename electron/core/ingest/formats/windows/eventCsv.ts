// Event Viewer "Save All Events As… → CSV". The header names the visible columns
// (default `Level,Date and Time,Source,Event ID,Task Category`; the Security log shows
// `Keywords` instead of `Level`); each row has one more, unnamed field: the rendered
// message, quoted and spanning many lines. There is no EventData and no record id.
//
// Time: "Date and Time" is the exporting machine's wall clock in its display format,
// with no zone (→ local; the source's zone converts it). en-US writes `10/7/2016 6:38:24
// PM` (month first); 24-hour slash dates are day-first in most other locales. The order
// is taken from the file itself: AM/PM or a second number above 12 means month-first,
// a first number above 12 means day-first; a file that never disambiguates is read
// day-first and the decision is noted. Invisible direction marks (U+200E) that some
// Windows versions put inside the date are ignored.
import { recordExcerpt, type EventTime, type Importer, type ParserContext, type RecordOutput, type SniffInput } from '../../types'
import { readCsvRecords } from './csvRecords'
import { classify } from './eventSemantics'
import { eventDataFromMessage, parseRenderedMessage } from './renderedMessage'
import { headText } from './textStream'

/** Column name (English, German, French) → our name. */
const COLUMN_ALIASES: Record<string, string> = {
  level: 'Level',
  ebene: 'Level',
  niveau: 'Level',
  keywords: 'Keywords',
  schlüsselwörter: 'Keywords',
  'mots clés': 'Keywords',
  'date and time': 'DateTime',
  'datum und uhrzeit': 'DateTime',
  'date et heure': 'DateTime',
  source: 'Source',
  quelle: 'Source',
  'event id': 'EventID',
  'ereignis-id': 'EventID',
  "id de l'événement": 'EventID',
  'task category': 'TaskCategory',
  aufgabenkategorie: 'TaskCategory',
  'catégorie de la tâche': 'TaskCategory',
  user: 'User',
  computer: 'Computer',
  log: 'Log',
  'operational code': 'Opcode',
  'event record id': 'EventRecordID'
}
const DEFAULT_COLUMNS = ['Level', 'DateTime', 'Source', 'EventID', 'TaskCategory']
const HEADER_LINE = /^\uFEFF?(Level|Keywords|Ebene|Schlüsselwörter|Niveau|Mots clés),(Date and Time|Datum und Uhrzeit|Date et heure),/i

type DayOrder = 'mdy' | 'dmy'

const INVISIBLE = /[\u200e\u200f\u202a-\u202e]/g
const SLASH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp])\.?\s?[Mm]\.?)?$/
const DOTTED = /^(\d{1,2})[.-](\d{1,2})[.-](\d{4})\s+(\d{1,2}):(\d{2})(?::(\d{2}))?$/
const ISO = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/

/** Evidence one stamp gives about day order. */
function orderEvidence(raw: string): DayOrder | null {
  const m = SLASH.exec(raw.replace(INVISIBLE, '').trim())
  if (!m) return null
  if (m[7]) return 'mdy'
  if (Number(m[1]) > 12) return 'dmy'
  if (Number(m[2]) > 12) return 'mdy'
  return null
}

export function parseViewerDate(raw: string, order: DayOrder): EventTime | string {
  const s = raw.replace(INVISIBLE, '').trim()
  let year: number, month: number, day: number, hour: number, minute: number, second: number
  let m = SLASH.exec(s)
  if (m) {
    const a = Number(m[1])
    const b = Number(m[2])
    ;[month, day] = m[7] || order === 'mdy' ? [a, b] : [b, a]
    year = Number(m[3])
    hour = Number(m[4])
    if (m[7]) {
      if (hour < 1 || hour > 12) return `hour ${hour} with AM/PM`
      hour = (hour % 12) + (/p/i.test(m[7]) ? 12 : 0)
    }
    minute = Number(m[5])
    second = Number(m[6] ?? 0)
  } else if ((m = DOTTED.exec(s))) {
    ;[day, month, year, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
  } else if ((m = ISO.exec(s))) {
    ;[year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number]
  } else return `"${raw}" is not a date and time Event Viewer writes`
  return { kind: 'local', year, month, day, hour, minute, second, micros: 0 }
}

function columnsOf(header: string[]): string[] {
  return header.map((h) => COLUMN_ALIASES[h.trim().toLowerCase()] ?? h.trim())
}

async function decideOrder(path: string, dateIndex: number, ctx: ParserContext): Promise<DayOrder> {
  let mdy = 0
  let dmy = 0
  let first = true
  for await (const rec of readCsvRecords(path, ctx.signal)) {
    if (first) {
      first = false
      continue
    }
    if ('bad' in rec) continue
    const e = orderEvidence(rec.fields[dateIndex] ?? '')
    if (e === 'mdy') mdy++
    else if (e === 'dmy') dmy++
  }
  if (mdy && dmy) {
    const majority: DayOrder = mdy >= dmy ? 'mdy' : 'dmy'
    ctx.note(`Event Viewer CSV dates disagree on day order (${mdy} month-first, ${dmy} day-first): read ${majority === 'mdy' ? 'month' : 'day'}-first as the majority`)
    return majority
  }
  if (mdy) {
    ctx.note('Event Viewer CSV dates read month/day/year (AM/PM clock or a second number above 12)')
    return 'mdy'
  }
  if (dmy) {
    ctx.note('Event Viewer CSV dates read day/month/year (a first number above 12)')
    return 'dmy'
  }
  ctx.note('Event Viewer CSV slash dates never show which number is the day: read day/month/year (24-hour clock, as non-US locales write); check against a known event')
  return 'dmy'
}

async function* readEventCsv(path: string, ctx: ParserContext): AsyncGenerator<RecordOutput> {
  ctx.note('Event Viewer CSV "Date and Time" is the exporting machine\'s local time with no zone: converted with the source\'s time zone')
  let columns: string[] | null = null
  let order: DayOrder | null = null
  let recordNo = 0
  for await (const rec of readCsvRecords(path, ctx.signal)) {
    if (columns === null) {
      columns = DEFAULT_COLUMNS
      if ('bad' in rec) {
        yield { bad: `${rec.bad}; no header read, columns assumed in the default order`, offset: rec.offset, recordNo: 0, lineNo: rec.line, excerpt: recordExcerpt(rec.text) }
        continue
      }
      const named = columnsOf(rec.fields)
      if (named.includes('DateTime') && named.includes('EventID')) {
        columns = named
        continue
      }
      yield {
        bad: 'no Event Viewer CSV header (Level/Keywords, Date and Time, Source, Event ID, Task Category); columns assumed in that order',
        offset: rec.offset,
        recordNo: 0,
        lineNo: rec.line,
        excerpt: recordExcerpt(rec.text)
      }
    }
    recordNo++
    if ('bad' in rec) {
      yield { bad: rec.bad, offset: rec.offset, recordNo, lineNo: rec.line, excerpt: recordExcerpt(rec.text) }
      continue
    }
    const cols = columns
    const get = (name: string): string | undefined => {
      const i = cols.indexOf(name)
      return i === -1 ? undefined : rec.fields[i]
    }
    const rawTime = (get('DateTime') ?? '').trim()
    if (order === null) order = SLASH.test(rawTime.replace(INVISIBLE, '')) ? await decideOrder(path, cols.indexOf('DateTime'), ctx) : 'dmy'
    const time = parseViewerDate(rawTime, order)
    if (typeof time === 'string') {
      yield { bad: time, offset: rec.offset, recordNo, lineNo: rec.line, excerpt: recordExcerpt(rec.text) }
      continue
    }
    const idText = (get('EventID') ?? '').trim()
    if (!/^\d+$/.test(idText)) {
      yield { bad: `Event ID "${idText}" is not a number`, offset: rec.offset, recordNo, lineNo: rec.line, excerpt: recordExcerpt(rec.text) }
      continue
    }
    const eventId = Number(idText)
    const message = rec.fields.slice(cols.length).join(',')
    const data = eventDataFromMessage(eventId, message)
    const level = get('Level')?.trim() || null
    const keywords = get('Keywords')?.trim() || null
    const c = classify({
      eventId,
      provider: get('Source')?.trim() || null,
      channel: get('Log')?.trim() || null,
      computer: get('Computer')?.trim() || null,
      keywords: keywords ?? level,
      securityUserId: null,
      data,
      renderedMessage: parseRenderedMessage(message).summary || null
    })
    const fields: Record<string, unknown> = {}
    cols.forEach((name, i) => {
      if (name !== 'DateTime' && rec.fields[i] !== undefined) fields[name] = rec.fields[i]
    })
    Object.assign(fields, data, c.extra)
    fields.Message = message
    yield {
      events: [
        {
          time,
          rawTime,
          category: c.category,
          action: c.action,
          outcome: c.outcome,
          actor: c.actor ?? (get('User')?.trim() || null),
          actorId: c.actorId,
          host: c.host,
          srcIp: c.srcIp,
          message: c.message,
          fields
        }
      ],
      offset: rec.offset,
      length: rec.length,
      recordNo,
      lineNo: rec.line
    }
  }
}

export const eventCsvImporter: Importer = {
  id: 'windows-event-csv',
  name: 'Windows Event Viewer CSV',
  description: 'Event Viewer "Save as CSV" exports (Level/Keywords, Date and Time, Source, Event ID, Task Category, message). Times are the exporting machine\'s local time.',
  sniff(input: SniffInput): number {
    const first = headText(input.head).split(/\r?\n/, 1)[0] ?? ''
    if (!HEADER_LINE.test(first)) return 0
    return /,(Event ID|Ereignis-ID|ID de l'événement),/i.test(first) ? 0.95 : 0.8
  },
  readRecords: readEventCsv
}
