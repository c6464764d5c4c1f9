// Schema version 6: bookmarks, tags, notes, door-camera associations and saved views (issue 5).
import type { Migration } from '../migrations'

export const v6Annotations: Migration = {
  version: 6,
  description: 'bookmarks, tags, notes, door-camera associations and saved views (issue 5)',
  sql: `
    -- (no changes yet)
  `
}
