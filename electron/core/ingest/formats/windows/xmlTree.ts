// The small element tree both Windows event sources produce: EVTX's Binary XML is
// rendered into it, and Event Viewer XML text is converted into it, so one extractor
// (eventRecord.ts) reads System and EventData the same way for both. A text or attribute
// value may carry `us` when it came from a binary FILETIME, so no precision is lost
// by going through text.

export interface XmlText {
  text: string
  /** UTC microseconds when the value was a FILETIME. */
  us?: number
}

export interface XmlAttr {
  name: string
  value: string
  us?: number
}

export interface XmlElement {
  name: string
  attrs: XmlAttr[]
  children: XmlNode[]
}

export type XmlNode = XmlElement | XmlText

export function isElement(node: XmlNode): node is XmlElement {
  return 'name' in node
}

/** Names may carry a namespace prefix in text XML (`e:Event`); Windows names are unique without it. */
export function localName(name: string): string {
  const i = name.indexOf(':')
  return i === -1 ? name : name.slice(i + 1)
}

export function childElements(el: XmlElement): XmlElement[] {
  return el.children.filter(isElement)
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined
  for (const c of el.children) if (isElement(c) && localName(c.name) === name) return c
  return undefined
}

export function attr(el: XmlElement | undefined, name: string): XmlAttr | undefined {
  return el?.attrs.find((a) => localName(a.name) === name)
}

/** Concatenated text of an element and its descendants. */
export function textOf(el: XmlElement | undefined): string {
  if (!el) return ''
  // Nearly every element holds zero or one text node.
  if (el.children.length === 0) return ''
  if (el.children.length === 1 && !isElement(el.children[0]!)) return (el.children[0] as XmlText).text
  let out = ''
  const stack: XmlNode[] = [...el.children].reverse()
  while (stack.length) {
    const n = stack.pop()!
    if (isElement(n)) for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!)
    else out += n.text
  }
  return out
}

/** The first text node directly under an element that carries a FILETIME. */
export function filetimeOf(el: XmlElement | undefined): number | undefined {
  if (!el) return undefined
  for (const c of el.children) if (!isElement(c) && c.us !== undefined) return c.us
  return undefined
}
