// Windows importers: EVTX (binary), Event Viewer XML and CSV exports, DHCP server logs.
import type { Importer } from '../../types'

export const windowsImporters: Importer[] = []
