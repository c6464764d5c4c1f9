// Structured and web importers: cloud audit JSON, IDS/NSM logs, web server logs, UniFi Protect events.
import type { Importer } from '../../types'
import { awsCloudtrail } from './awsCloudtrail'
import { entraSignin } from './entraSignin'
import { iisW3c } from './iisW3c'
import { oktaSystemLog } from './oktaSystemLog'
import { suricataEve } from './suricataEve'
import { unifiProtectEvents } from './unifiProtectEvents'
import { webAccess } from './webAccess'
import { webError } from './webError'
import { zeekJson } from './zeekJson'
import { zeekTsv } from './zeekTsv'

export const structuredImporters: Importer[] = [
  awsCloudtrail,
  entraSignin,
  oktaSystemLog,
  suricataEve,
  zeekTsv,
  zeekJson,
  webAccess,
  webError,
  iisW3c,
  unifiProtectEvents
]
