// Mapping profiles: user-defined importers for CSV / TSV / JSON-lines exports that no
// built-in importer knows, saved as reusable JSON files.
export { createMappedImporter, checkProfileAgainstHeader } from './mappedImporter'
export {
  MappingProfile,
  MappingColumns,
  parseMappingProfile,
  loadMappingProfile,
  saveProfile,
  listProfiles,
  mappingProfilesDir,
  type ProfileListing
} from './profile'
export { suggestMapping, suggestTimeFormat, type MappingSuggestion } from './suggestMapping'
export { suggestMappingForFile } from './suggestFromFile'
export { checkTimeFormat, timeReader } from './timeFormat'

/** The importer id a profile gets: `mapped-<profile id>`. */
export const mappedFormatId = (profileId: string): string => `mapped-${profileId}`
