// Windows Component-Based Servicing log (C:\Windows\Logs\CBS\CBS.log): servicing stack,
// Windows Update and SFC activity. Lines are `YYYY-MM-DD hh:mm:ss, <Level> <Component>
// <message>` with the level and component padded with spaces.
//
// Time: the leading stamp is the machine's local time with no zone (→ local). CSI lines
// also embed their own stamp (`00000001@2016/9/27:20:30:31.455`), which runs on another
// clock (in the loghub sample it is 8 h behind the leading one, i.e. UTC on a UTC+8
// machine): it stays verbatim in the message only and is never read as a time, so one
// line never yields two clocks.
//
// Continuation lines: CBS writes some entries over several lines (e.g. CSI perf traces,
// SFC repair details) and only the first carries a stamp. A line without one is
// reported as a bad record ("continuation line without a timestamp") rather than skipped,
// so its text stays visible and line-numbered in the import report; it is not glued to
// the previous event because events are emitted line by line and evidence must not be
// rewritten. (The loghub sample has a stamp on all 2,000 lines.)
import type { Importer, LineOutput, ParserContext, SniffInput } from '../../types'
import { bad, ok } from '../../types'

const LINE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),\s+(\w+)\s+(\S+)(?:\s+(.*))?$/
const STAMP_ONLY = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}),/
const SNIFF = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}, (Info|Warning|Error|Perf)\s+(CBS|CSI|DPX|DISM|SQM|TI|WER)\s/
const HRESULT = /HRESULT = (0x[0-9a-f]{8})/i

export const cbsImporter: Importer = {
  id: 'windows-cbs',
  name: 'Windows CBS.log',
  description: 'Component-Based Servicing log (CBS.log): updates, servicing, SFC. Times are machine-local.',
  sniff(input: SniffInput): number {
    const lines = input.lines.filter((l) => l.trim() !== '').slice(0, 200)
    if (lines.length === 0) return 0
    const hits = lines.filter((l) => SNIFF.test(l)).length
    return hits / lines.length >= 0.5 ? 0.9 : 0
  },
  createLineParser(ctx: ParserContext) {
    ctx.note('CBS.log leading timestamps are the machine\'s local time with no zone: converted with the source\'s time zone; embedded CSI stamps are kept as text only')
    return {
      line(text: string): LineOutput {
        const m = LINE.exec(text)
        if (!m) {
          if (STAMP_ONLY.test(text)) return bad('CBS line with a timestamp but no level and component')
          return bad('continuation line without a timestamp (belongs to the entry above; kept here so its text is not lost)')
        }
        const [, y, mo, d, h, mi, s, level, component, rest = ''] = m
        const message = rest.trim()
        const fields: Record<string, unknown> = { level, component }
        const hr = HRESULT.exec(message)
        if (hr) fields.hresult = hr[1]!.toLowerCase()
        let outcome: 'success' | 'failure' | 'unknown' = 'unknown'
        // The top bit of an HRESULT is its failure flag.
        if (/^error$/i.test(level!) || (hr && parseInt(hr[1]!, 16) >= 0x80000000)) outcome = 'failure'
        else if (hr) outcome = 'success'
        return ok({
          time: { kind: 'local', year: Number(y), month: Number(mo), day: Number(d), hour: Number(h), minute: Number(mi), second: Number(s), micros: 0 },
          rawTime: `${y}-${mo}-${d} ${h}:${mi}:${s}`,
          category: 'system',
          action: component!.toLowerCase(),
          outcome,
          message: message || `${component} ${level}`,
          fields
        })
      }
    }
  }
}
