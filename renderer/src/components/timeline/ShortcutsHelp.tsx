// The timeline's keyboard shortcuts, as a dialog (button "Keyboard shortcuts" or "?").
import { useEffect, useRef } from 'react'

export const SHORTCUTS: [string, string][] = [
  ['Space', 'Play / pause'],
  ['J / K / L', 'Shuttle backward / stop / forward (1, 2, 4, 8, 16×: faster each press; the "Playback rate" menu shows it)'],
  ['← / →', 'One frame back / forward'],
  ['Shift + ← / →', '5 seconds back / forward'],
  ['Ctrl + Shift + ← / →', '30 seconds back / forward (⌘ + Shift on a Mac)'],
  ['[ / ]', 'Previous / next event in the focused lane (or the list)'],
  ['+ / -', 'Zoom in / out'],
  ['0', 'Fit the whole case'],
  ['B', 'Bookmark the cursor (or the selected range)'],
  ['?', 'This help'],
  ['Esc', 'Close dialogs and menus']
]

export function ShortcutsHelp(props: { onClose: () => void }) {
  const closeRef = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    closeRef.current?.focus()
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') props.onClose()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <p className="muted">On the timeline screen, except while typing in a field.</p>
        <table aria-label="Shortcuts">
          <tbody>
            {SHORTCUTS.map(([k, what]) => (
              <tr key={k}>
                <td className="shortcut">
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" ref={closeRef} onClick={props.onClose}>
          Close
        </button>
      </div>
    </div>
  )
}
