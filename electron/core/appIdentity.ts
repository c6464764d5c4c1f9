// Who we are, as recorded in every evidence row and custody entry.
import { hostname } from 'node:os'
import pkg from '../../package.json'

export const TOOL_NAME = 'Incident Workbench'
export const TOOL_VERSION: string = pkg.version

export function workstationName(): string {
  return hostname()
}
