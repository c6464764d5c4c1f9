// Time inside Incident Workbench is an integer count of microseconds since the Unix
// epoch, UTC. These helpers turn it into text only at the edges.

export type MicrosUtc = number

export function nowMicros(): MicrosUtc {
  // Date.now() is millisecond-precise; that is all the wall clock gives us portably.
  return Date.now() * 1000
}

export function microsToIso(us: MicrosUtc): string {
  const ms = Math.floor(us / 1000)
  const rest = us - ms * 1000
  const base = new Date(ms).toISOString() // 2024-01-02T03:04:05.678Z
  if (rest === 0) return base
  return `${base.slice(0, 23)}${String(rest).padStart(3, '0')}Z`
}

export function millisToIso(ms: number): string {
  return new Date(ms).toISOString()
}

/** Parses ISO 8601 with Z or a numeric offset, keeping microseconds. Returns null if not ISO. */
export function isoToMicros(text: string): MicrosUtc | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim())
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (Number.isNaN(ms)) return null
  let offsetMin = 0
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)))
  }
  const micros = Number((frac + '000000').slice(0, 6))
  return (ms - offsetMin * 60_000) * 1000 + micros
}

/** True when the runtime knows this IANA zone name (or it is UTC). */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

let localZone: string | undefined
/** The zone of the machine running this code, as an IANA name. */
export function localTimeZone(): string {
  localZone ??= Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  return localZone
}

// Building an Intl.DateTimeFormat costs far more than formatting with one (it loads the zone's
// rules), and the timeline formats every label and the cursor on each move: one per zone.
const wallClockFormats = new Map<string, Intl.DateTimeFormat>()
function wallClockFormat(zone: string): Intl.DateTimeFormat {
  let f = wallClockFormats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset'
    })
    wallClockFormats.set(zone, f)
  }
  return f
}

/** Formats a UTC instant as wall-clock text in a zone, with the zone's offset, for display. */
export function formatInZone(us: MicrosUtc, zone: string): string {
  const d = new Date(Math.floor(us / 1000))
  const parts = wallClockFormat(zone).formatToParts(d)
  const get = (t: string): string => parts.find((p) => p.type === t)?.value ?? ''
  const offset = get('timeZoneName').replace('GMT', '') || '+00:00'
  const millis = String(d.getUTCMilliseconds()).padStart(3, '0')
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}.${millis} ${offset}`
}
