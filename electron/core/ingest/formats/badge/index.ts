// Badge / access-control history importers: one profile per vendor, detected from headers.
import type { Importer } from '../../types'

export const badgeImporters: Importer[] = []
