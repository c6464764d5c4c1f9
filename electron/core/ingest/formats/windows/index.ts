// Windows importers: EVTX (binary), Event Viewer XML and CSV exports, DHCP server logs, CBS.log.
import type { Importer } from '../../types'
import { cbsImporter } from './cbs'
import { dhcpImporter } from './dhcp'
import { eventCsvImporter } from './eventCsv'
import { eventXmlImporter } from './eventXml'
import { evtxImporter } from './evtx'

export const windowsImporters: Importer[] = [evtxImporter, eventXmlImporter, eventCsvImporter, dhcpImporter, cbsImporter]
