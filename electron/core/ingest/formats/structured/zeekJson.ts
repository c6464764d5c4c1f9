// Zeek JSON logs (LogAscii::use_json, or json-streaming-logs with `_path`): one object per
// line with flat dotted keys. `ts` is epoch seconds (a number) or, with
// LogAscii::json_timestamps = JSON::TS_ISO8601, an ISO string with Z. The number is read
// from the line's own digits so microseconds survive exactly.
import type { Importer, LineParser, SniffInput } from '../../types'
import { bad, ok } from '../../types'
import { epochSecondsNumber, epochSecondsText, parseIso } from './stamps'
import { firstChar, jsonKeys, parseJsonObject, str } from './values'
import { guessZeekPath, zeekEvent } from './zeekRecord'

export const zeekJson: Importer = {
  id: 'zeek-json',
  name: 'Zeek JSON log',
  description: 'Zeek/Bro logs written as JSON lines (epoch or ISO ts, optional _path).',
  sniff(input: SniffInput): number {
    if (firstChar(input.text) !== '{') return 0
    const keys = jsonKeys(input.lines.slice(0, 20).join('\n'))
    if (!keys.has('ts') || keys.has('event_type')) return 0
    if (keys.has('_path') || keys.has('id.orig_h')) return 0.9
    return keys.has('uid') || keys.has('fuid') ? 0.8 : 0
  },
  createLineParser(ctx): LineParser {
    ctx.note('ts read as epoch seconds (UTC) or ISO 8601 with Z')
    return {
      line(text) {
        const r = parseJsonObject(text)
        if (typeof r === 'string') return bad(r)
        let rawTime: string | null
        let time
        if (typeof r.ts === 'number') {
          const digits = /"ts"\s*:\s*(\d+(?:\.\d+)?)\s*[,}]/.exec(text)?.[1]
          rawTime = digits !== undefined && Number(digits) === r.ts ? digits : String(r.ts)
          time = epochSecondsText(rawTime) ?? epochSecondsNumber(r.ts)
        } else {
          rawTime = str(r.ts)
          if (rawTime === null) return bad('no ts')
          time = parseIso(rawTime)
        }
        if (!time) return bad(`ts "${rawTime}" is not epoch seconds or ISO 8601`)
        let path = str(r._path)
        if (!path) {
          path = guessZeekPath(ctx.fileName, r)
          ctx.note(path ? `records without _path taken as the ${path} log (from the file name or keys)` : 'records without _path imported as log "unknown"')
        }
        return ok(zeekEvent(path ?? 'unknown', r, time, rawTime))
      }
    }
  }
}
