// Every importer the workbench knows, in one list. `iwb formats --json` prints it.
import { badgeImporters } from './formats/badge'
import { structuredImporters } from './formats/structured'
import { syslogImporters } from './formats/syslog'
import { windowsImporters } from './formats/windows'
import type { Importer } from './types'

export const importers: Importer[] = [...windowsImporters, ...structuredImporters, ...badgeImporters, ...syslogImporters]

export function importerById(id: string): Importer | undefined {
  return importers.find((i) => i.id === id)
}
