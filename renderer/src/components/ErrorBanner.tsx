// An error the user must read: announced to screen readers, dismissible.
export function ErrorBanner(props: { message: string | null; onDismiss: () => void }) {
  if (!props.message) return null
  return (
    <div className="error-banner" role="alert">
      <span>{props.message}</span>
      <button type="button" onClick={props.onDismiss} aria-label="Dismiss error">
        ×
      </button>
    </div>
  )
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
