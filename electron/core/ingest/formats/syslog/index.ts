// Syslog-family importers: RFC 3164/5424, CEF, LEEF and the firewalls that speak syslog.
import type { Importer } from '../../types'

export const syslogImporters: Importer[] = []
