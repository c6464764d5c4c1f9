// A button that opens a small panel below it (menus with checkboxes). Closes on Escape or
// a click elsewhere; the button says whether it is open (aria-expanded).
import { useEffect, useRef, useState, type ReactNode } from 'react'

export function Popover(props: { label: string; buttonText: string; children: ReactNode }) {
  const [open, setOpen] = useState(false)
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent): void => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false)
    }
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') setOpen(false)
    }
    document.addEventListener('mousedown', onDown)
    document.addEventListener('keydown', onKey)
    return () => {
      document.removeEventListener('mousedown', onDown)
      document.removeEventListener('keydown', onKey)
    }
  }, [open])
  return (
    <div className="popover" ref={ref}>
      <button type="button" aria-label={props.label} aria-expanded={open} aria-haspopup="true" onClick={() => setOpen((o) => !o)}>
        {props.buttonText} ▾
      </button>
      {open && (
        <div className="popover-panel" role="group" aria-label={props.label}>
          {props.children}
        </div>
      )}
    </div>
  )
}
