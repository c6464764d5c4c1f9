// Schema version 8: people, identities, places, devices and findings (issue 7).
import type { Migration } from '../migrations'

export const v8Correlation: Migration = {
  version: 8,
  description: 'people, identities, places, devices and findings (issue 7)',
  sql: `
    -- (no changes yet)
  `
}
