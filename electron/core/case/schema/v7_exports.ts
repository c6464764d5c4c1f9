// Schema version 7: export records (issue 6).
import type { Migration } from '../migrations'

export const v7Exports: Migration = {
  version: 7,
  description: 'export records (issue 6)',
  sql: `
    -- (no changes yet)
  `
}
