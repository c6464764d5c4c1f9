// What the Electron preload exposes on window.iwb, and the channel names it uses.
// Kept free of imports so the sandboxed preload bundle stays tiny.
export const ipcChannels = {
  invoke: 'iwb:invoke',
  event: 'iwb:event',
  pickFiles: 'iwb:pick-files',
  pickFolder: 'iwb:pick-folder'
} as const

export interface ElectronBridge {
  invoke(method: string, params: unknown): Promise<unknown>
  onEvent(listener: (event: unknown) => void): () => void
  pickFiles(): Promise<string[]>
  pickFolder(purpose: 'create' | 'open'): Promise<string | null>
}
