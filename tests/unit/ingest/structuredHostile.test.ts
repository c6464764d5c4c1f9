// Hostile and broken input for every structured importer: empty files, binary garbage,
// truncated documents, oversized records and broken JSON structure. None may throw or
// hang; every failure is a bad item that says where it is.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readJsonRecords } from '../../../electron/core/ingest/formats/structured/jsonStream'
import { structuredImporters } from '../../../electron/core/ingest/formats/structured'
import { importSample } from '../../helpers/importSample'
import { tempDir } from '../../helpers/tmp'

const tmp = tempDir('iwb-structured-hostile-')
afterAll(() => tmp.cleanup())
function fixture(name: string, data: string | Buffer): string {
  const p = join(tmp.path, name)
  writeFileSync(p, data)
  return p
}

/** Deterministic noise: the same 64 KiB on every run. */
function garbage(bytes: number): Buffer {
  const b = Buffer.alloc(bytes)
  let x = 0x2545f491
  for (let i = 0; i < bytes; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    b[i] = x & 0xff
  }
  return b
}

async function collect(path: string, wrapperKeys: string[] = [], maxRecordBytes?: number) {
  const out = []
  for await (const item of readJsonRecords(path, { wrapperKeys, maxRecordBytes })) out.push(item)
  return out
}

describe('every structured importer on hostile input', () => {
  const empty = fixture('empty.log', '')
  const noise = fixture('noise.bin', garbage(64 * 1024))
  const ids = structuredImporters.map((i) => i.id)

  it('has the ten importers, with kebab-case ids', () => {
    expect(ids).toEqual(['aws-cloudtrail', 'entra-signin', 'okta-system-log', 'suricata-eve', 'zeek-tsv', 'zeek-json', 'web-access', 'web-error', 'iis-w3c', 'unifi-protect-events'])
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  })

  it.each(ids)('%s: an empty file gives nothing and no error', async (id) => {
    const r = await importSample(id, empty)
    expect(r.events).toEqual([])
    expect(r.bad).toEqual([])
  })

  it.each(ids)('%s: binary garbage gives bad items, never an event or a throw', async (id) => {
    const r = await importSample(id, noise)
    expect(r.events).toEqual([])
    expect(r.bad.length).toBeGreaterThan(0)
    for (const b of r.bad) expect(b.reason).not.toMatch(/parser error/)
  })

  it('JSON importers refuse binary garbage in one bad item', async () => {
    for (const id of ['aws-cloudtrail', 'okta-system-log', 'unifi-protect-events']) {
      const r = await importSample(id, noise)
      expect(r.bad).toHaveLength(1)
      expect(r.bad[0]!.reason).toMatch(/^not JSON text: binary data \(byte 0x[0-9a-f]{2} at offset \d+\)$/)
    }
  })

  it('sniffers give 0 to garbage and to an empty file', async () => {
    const { readSniffInput } = await import('../../../electron/core/ingest/sniff')
    for (const path of [noise, empty]) {
      const input = await readSniffInput(path)
      for (const imp of structuredImporters) expect([imp.id, imp.sniff(input)]).toEqual([imp.id, 0])
    }
  })
})

describe('streaming JSON splitter', () => {
  it('gives each element of a top-level array with its byte offset, length and line', async () => {
    const text = '[\n  {"a":"x]}\\"y"},\n  {"b":[1,{"c":2}]},\n  {"é":"ü"}\n]\n'
    const items = await collect(fixture('arr.json', text))
    expect(items).toEqual([
      { kind: 'record', value: { a: 'x]}"y' }, offset: 4, length: 14, recordNo: 1, line: 2 },
      { kind: 'record', value: { b: [1, { c: 2 }] }, offset: 22, length: 17, recordNo: 2, line: 3 },
      // "é" and "ü" are two bytes each in UTF-8.
      { kind: 'record', value: { é: 'ü' }, offset: 43, length: 11, recordNo: 3, line: 4 }
    ])
    expect(Buffer.from(text).subarray(43, 54).toString()).toBe('{"é":"ü"}')
  })

  it('finds the wrapper array even when other keys come first and after', async () => {
    const items = await collect(fixture('wrap.json', '{"@odata.context":"x","count":2,"value":[{"n":1},{"n":2}],"@odata.nextLink":"[not records]"}'), ['value'])
    expect(items.map((i) => (i.kind === 'record' ? i.value : i.reason))).toEqual([{ n: 1 }, { n: 2 }])
  })

  it('reports a truncated array after the records it could read', async () => {
    const items = await collect(fixture('cut.json', '[{"n":1},{"n":2},{"n":'))
    expect(items.map((i) => i.kind)).toEqual(['record', 'record', 'bad'])
    expect(items[2]).toMatchObject({ recordNo: 3, offset: 17, line: 1 })
    expect(items[2]!.kind === 'bad' && items[2]!.reason).toMatch(/^record 3 is cut off.*truncated/)

    const open = await collect(fixture('open.json', '[{"n":1},\n'))
    expect(open.map((i) => i.kind)).toEqual(['record', 'bad'])
    expect(open[1]!.kind === 'bad' && open[1]!.reason).toMatch(/ends inside the JSON array opened at line 1 \(truncated\)/)
  })

  it('reassembles records that span the 1 MiB reads, escapes included', async () => {
    const pad = 'y'.repeat(2.5 * 1024 * 1024)
    const big = `{"pad":"${pad}","tail":"a\\\\","q":"\\"]"}`
    const items = await collect(fixture('span.json', `[{"n":1},${big},{"n":3}]`))
    expect(items.map((i) => i.kind)).toEqual(['record', 'record', 'record'])
    expect(items[1]).toMatchObject({ offset: 9, length: big.length, recordNo: 2 })
    expect(items[1]!.kind === 'record' && items[1]!.value).toEqual({ pad, tail: 'a\\', q: '"]' })
    expect(items[2]).toMatchObject({ value: { n: 3 }, offset: 10 + big.length })
  })

  it('skips a record over the size limit and carries on', async () => {
    const big = `{"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`
    const items = await collect(fixture('big.json', `[{"n":1},${big},{"n":3}]`), [], 1024 * 1024)
    expect(items.map((i) => i.kind)).toEqual(['record', 'bad', 'record'])
    expect(items[1]!.kind === 'bad' && items[1]!.reason).toBe(`record 2 is ${big.length} bytes, over the 1048576 byte limit for one record`)
    expect(items[2]).toMatchObject({ value: { n: 3 }, recordNo: 3 })
  })

  it('reads JSON lines line by line: a cut line, a non-JSON line and a non-object are each one bad item', async () => {
    const text = ['{"n":1}', '{"n":2,"cut":', '{"n":3}', 'plain text', '{"n":4} ', '"a string"', '{"n":5,}', '{"n":6}'].join('\n')
    const items = await collect(fixture('lines.jsonl', text))
    expect(items.map((i) => [i.kind, i.line, i.kind === 'record' ? i.value.n : i.reason])).toEqual([
      ['record', 1, 1],
      ['bad', 2, 'the JSON value is not closed before the line ends'],
      ['record', 3, 3],
      ['bad', 4, 'not JSON (starts with "p")'],
      ['record', 5, 4],
      ['bad', 6, 'not JSON (starts with """)'],
      ['bad', 7, expect.stringMatching(/^record 7: invalid JSON: /)],
      ['record', 8, 6]
    ])
  })

  it('stops at a broken bracket structure inside an array with one clear bad item', async () => {
    const items = await collect(fixture('mismatch.json', '[{"a":1},\n{"b":[1}},\n{"c":2}]'))
    expect(items.map((i) => i.kind)).toEqual(['record', 'bad'])
    expect(items[1]).toMatchObject({ kind: 'bad', line: 2, recordNo: 2 })
    expect(items[1]!.kind === 'bad' && items[1]!.reason).toMatch(/^JSON structure broken at line 2: unexpected "}" inside record 2; /)
  })

  it('refuses records nested too deep for later stages, in documents and in JSON lines', async () => {
    const deep = `{"d":${'['.repeat(300)}${']'.repeat(300)}}`
    const items = await collect(fixture('deep.json', `[{"n":1},${deep},{"n":3}]`))
    expect(items.map((i) => (i.kind === 'record' ? i.value.n : i.reason))).toEqual([1, 'record 2 is nested deeper than 256 levels', 3])
    const eve = fixture('deep-eve.json', `${deep}\n{"timestamp":"2024-01-01T00:00:00+0000","event_type":"stats"}`)
    const r = await importSample('suricata-eve', eve)
    expect(r.bad).toEqual([expect.objectContaining({ lineNo: 1, reason: 'nested deeper than 256 levels' })])
    expect(r.events).toHaveLength(1)
  })

  it('refuses UTF-16 with a reason instead of a flood of bad lines', async () => {
    const items = await collect(fixture('u16.json', Buffer.from('\uFEFF[{"a":1}]', 'utf16le')))
    expect(items).toEqual([{ kind: 'bad', reason: 'the file is UTF-16 text: save it as UTF-8 to import it', offset: 0, recordNo: 1, line: 1 }])
  })
})
