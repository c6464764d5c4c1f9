// RFC 5424 syslog: `<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG`. Time quirk: the
// stamp is RFC 3339 with Z or an offset, so it is an instant (UTC); a NILVALUE stamp ("-")
// leaves the record without a time and it is reported as bad. Structured data is kept in
// fields.structuredData as { sdId: { param: value } }. BSD lines mixed into the same file
// are read too.
import type { Importer } from '../../types'
import { parseSyslogHeader } from './header'
import { syslogLine } from './rfc3164'
import { headLines, share } from './sniffing'

export const syslogRfc5424: Importer = {
  id: 'syslog-rfc5424',
  name: 'Syslog (RFC 5424)',
  description: 'IETF syslog lines "<PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG" with RFC 3339 time; structured data kept in fields.',
  sniff(input) {
    const frac = share(headLines(input), (l) => {
      if (l.charCodeAt(0) !== 60) return false
      const h = parseSyslogHeader(l)
      return typeof h !== 'string' && h.layout === 'rfc5424'
    })
    return frac < 0.5 ? 0 : 0.85 * frac
  },
  createLineParser() {
    return { line: (text) => syslogLine(text) }
  }
}
