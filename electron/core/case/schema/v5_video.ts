// Schema version 5: cameras, video files, tracks and derived media (issue 4).
import type { Migration } from '../migrations'

export const v5Video: Migration = {
  version: 5,
  description: 'cameras, video files, tracks and derived media (issue 4)',
  sql: `
    -- (no changes yet)
  `
}
