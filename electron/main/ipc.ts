// Transport 1: Electron IPC. One invoke channel carries every contract call; the sender
// is checked, the message shape is checked here and the parameters by Workbench.call.
// Files reach evidence.acquire only after the user picked them in a native dialog.
import { resolve } from 'node:path'
import { BrowserWindow, dialog, ipcMain, type WebContents } from 'electron'
import { ipcChannels } from '@shared/bridge'
import { CallMessage, type Envelope } from '@shared/contract'
import type { Workbench } from '../core/api/workbench'
import { isTrustedSender } from './security'

export function wireIpc(workbench: Workbench, window: () => BrowserWindow | null): void {
  const picked = new Set<string>()
  const contents = (): WebContents | null => window()?.webContents ?? null
  const refuse = (message: string): Envelope => ({ ok: false, error: { code: 'FORBIDDEN', message } })

  ipcMain.handle(ipcChannels.invoke, async (event, raw: unknown): Promise<Envelope> => {
    if (!isTrustedSender(event, contents())) return refuse('Calls are accepted only from the Incident Workbench window.')
    const message = CallMessage.safeParse(raw)
    if (!message.success) return { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed call message.' } }
    const { method, params } = message.data
    if (method === 'evidence.acquire') {
      const paths = (params as { paths?: unknown } | null)?.paths
      if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && picked.has(resolve(p)))) {
        return refuse('Evidence can be acquired only from files chosen with "Add files…".')
      }
    }
    return workbench.call(method, params)
  })

  ipcMain.handle(ipcChannels.pickFiles, async (event): Promise<string[]> => {
    const win = window()
    if (!win || !isTrustedSender(event, contents())) return []
    const result = await dialog.showOpenDialog(win, { title: 'Add evidence files', properties: ['openFile', 'multiSelections'] })
    if (result.canceled) return []
    for (const p of result.filePaths) picked.add(resolve(p))
    return result.filePaths
  })

  ipcMain.handle(ipcChannels.pickFolder, async (event, purpose: unknown): Promise<string | null> => {
    const win = window()
    if (!win || !isTrustedSender(event, contents())) return null
    const creating = purpose === 'create'
    const result = await dialog.showOpenDialog(win, {
      title: creating ? 'Choose an empty folder for the new case' : 'Open a case folder',
      properties: creating ? ['openDirectory', 'createDirectory'] : ['openDirectory']
    })
    return result.canceled ? null : (result.filePaths[0] ?? null)
  })

  workbench.onEvent((e) => contents()?.send(ipcChannels.event, e))
}
