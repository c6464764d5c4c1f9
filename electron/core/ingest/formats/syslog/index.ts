// Syslog-family importers: RFC 3164/5424, CEF, LEEF and the firewalls that speak syslog.
// The specific formats read their other lines as plain syslog, and their sniffers score
// above the generic ones on their own files.
import type { Importer } from '../../types'
import { cef } from './cef'
import { ciscoAsa } from './ciscoAsa'
import { fortigate } from './fortigate'
import { iptables } from './iptables'
import { leef } from './leef'
import { panos } from './panos'
import { pfsenseFilterlog } from './pfsenseFilterlog'
import { syslogRfc3164 } from './rfc3164'
import { syslogRfc5424 } from './rfc5424'

export const syslogImporters: Importer[] = [syslogRfc3164, syslogRfc5424, cef, leef, iptables, pfsenseFilterlog, panos, fortigate, ciscoAsa]
