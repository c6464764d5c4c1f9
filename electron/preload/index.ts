// The sandboxed preload: exposes exactly the contract's transport to the page, never
// ipcRenderer itself. The page validates every response and event it receives.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron'
import { ipcChannels, type ElectronBridge } from '@shared/bridge'

const bridge: ElectronBridge = {
  invoke: (method: string, params: unknown): Promise<unknown> => ipcRenderer.invoke(ipcChannels.invoke, { method, params }),
  onEvent: (listener: (event: unknown) => void): (() => void) => {
    const wrapped = (_e: IpcRendererEvent, payload: unknown): void => listener(payload)
    ipcRenderer.on(ipcChannels.event, wrapped)
    return () => ipcRenderer.removeListener(ipcChannels.event, wrapped)
  },
  pickFiles: (): Promise<string[]> => ipcRenderer.invoke(ipcChannels.pickFiles),
  pickFolder: (purpose: 'create' | 'open'): Promise<string | null> => ipcRenderer.invoke(ipcChannels.pickFolder, purpose)
}

contextBridge.exposeInMainWorld('iwb', bridge)
