// Structured and web importers: cloud audit JSON, IDS/NSM logs, web server logs, generic CSV/JSON.
import type { Importer } from '../../types'

export const structuredImporters: Importer[] = []
