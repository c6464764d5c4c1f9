// Badge / access-control history importers: one profile per vendor, detected from headers.
import type { Importer } from '../../types'
import { amagSymmetryImporter } from './amagSymmetry'
import { brivoImporter } from './brivo'
import { ccure9000CsvImporter } from './ccure9000'
import { ccure9000XmlImporter } from './ccureJournalXml'
import { gallagherImporter } from './gallagher'
import { genetecSynergisImporter } from './genetecSynergis'
import { honeywellProWatchImporter } from './honeywellProWatch'
import { lenelOnGuardImporter } from './lenelOnGuard'
import { paxtonNet2Importer } from './paxtonNet2'
import { unifiAccessImporter } from './unifiAccess'
import { vastProxImporter } from './vastProx'
import { verkadaAccessImporter } from './verkadaAccess'

export const badgeImporters: Importer[] = [
  lenelOnGuardImporter,
  ccure9000XmlImporter,
  ccure9000CsvImporter,
  genetecSynergisImporter,
  brivoImporter,
  verkadaAccessImporter,
  unifiAccessImporter,
  gallagherImporter,
  paxtonNet2Importer,
  amagSymmetryImporter,
  honeywellProWatchImporter,
  vastProxImporter
]
