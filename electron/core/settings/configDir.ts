// Where per-user state lives (settings, recent cases, later the examiner's signing keys):
// outside every case, so a case folder handed to someone else carries none of it.
import { homedir } from 'node:os'
import { join } from 'node:path'

export function configDir(): string {
  if (process.env.IWB_CONFIG_DIR) return process.env.IWB_CONFIG_DIR
  const home = homedir()
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Incident Workbench')
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'Incident Workbench')
  return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'incident-workbench')
}
