// Schema version 4: import speed: partial per-field indexes (issue 3).
import type { Migration } from '../migrations'

export const v4ImportSpeed: Migration = {
  version: 4,
  description: 'import speed: partial per-field indexes (issue 3)',
  sql: `
    -- (no changes yet)
  `
}
