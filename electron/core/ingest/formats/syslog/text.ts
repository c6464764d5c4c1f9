// Small text helpers shared by the family's payload parsers.

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/
const IPV6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:.]*(?:%\w+)?$/

/** The text when it is an IPv4 or IPv6 address, else null. */
export function asIp(s: string | undefined | null): string | null {
  if (!s) return null
  if (IPV4.test(s)) return s
  if (s.length >= 2 && s.length <= 50 && s.includes(':') && IPV6.test(s)) return s
  return null
}

/**
 * A key read from untrusted text, safe to use as an object property: `__proto__` would
 * otherwise replace the prototype instead of storing a value.
 */
export function safeKey(k: string): string {
  return k === '__proto__' ? '_proto_' : k
}

/** A port number, or undefined when the text is not one. */
export function port(s: string | undefined): number | undefined {
  if (!s || s.length > 5) return undefined
  const n = Number(s)
  return Number.isInteger(n) && n >= 0 && n <= 65535 ? n : undefined
}

/** Splits one CSV line; double quotes group commas and `""` is a literal quote. */
export function splitCsv(s: string, start = 0): string[] {
  const out: string[] = []
  let p = start
  const n = s.length
  for (;;) {
    if (s.charCodeAt(p) === 34) {
      let v = ''
      let q = p + 1
      for (;;) {
        const e = s.indexOf('"', q)
        if (e === -1) {
          v += s.slice(q)
          q = n
          break
        }
        v += s.slice(q, e)
        if (s.charCodeAt(e + 1) === 34) {
          v += '"'
          q = e + 2
          continue
        }
        q = e + 1
        break
      }
      out.push(v)
      const comma = s.indexOf(',', q)
      if (comma === -1) return out
      p = comma + 1
      continue
    }
    const comma = s.indexOf(',', p)
    if (comma === -1) {
      out.push(s.slice(p))
      return out
    }
    out.push(s.slice(p, comma))
    p = comma + 1
  }
}

/** `a → b` endpoint text: `ip:port`, `[v6]:port` or just the ip. */
export function endpoint(ip: string | null | undefined, p: number | string | undefined): string {
  if (!ip) return '?'
  if (p === undefined || p === '') return ip
  return ip.includes(':') ? `[${ip}]:${p}` : `${ip}:${p}`
}
