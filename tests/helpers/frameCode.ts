// The frame-number pattern burnt into test clips, and its decoder.
//
// Layout (fractions of the picture, so it survives scaling): the top half is a grid of
// 8 columns × 3 rows of cells, each W/8 wide and H/6 high (40×40 px at 320×240). Cell k
// (row-major from the top left) is white when bit k is set:
//   k = 0..15   the frame number, least significant bit first (0..65535)
//   k = 16..23  check bits: cell 16+j is white when bits j and j+8 are EQUAL
// so every single wrong cell is caught. Black/white are full-range extremes, and the
// decoder reads the middle half of each cell only, so block edges, chroma subsampling
// and lossy coding do not flip a cell; a cell that is neither clearly dark nor clearly
// light (a blended or half-drawn frame) makes the decode fail instead of guessing.
// The bottom half is plain grey.

export const FRAME_CODE = { cols: 8, rows: 3, rowFraction: 1 / 6, dataBits: 16, checkBits: 8, max: 65535 } as const

/** Expected cell values (true = white) for frame n, in cell order. */
export function frameCodeCells(n: number): boolean[] {
  if (!Number.isInteger(n) || n < 0 || n > FRAME_CODE.max) throw new Error(`frame number out of range: ${n}`)
  const bit = (k: number): number => (n >> k) & 1
  const cells: boolean[] = []
  for (let k = 0; k < 16; k++) cells.push(bit(k) === 1)
  for (let j = 0; j < 8; j++) cells.push(bit(j) === bit(j + 8))
  return cells
}

/**
 * ffmpeg filters drawing the pattern on a grey picture: a black top half, then one white
 * drawbox per cell, switched on per frame by its `enable` expression on the frame number n
 * (per-frame expressions: far cheaper than a per-pixel geq).
 */
export function frameCodeFilters(width: number, height: number): string {
  const bit = (k: number): string => `mod(floor(n/${2 ** k}),2)`
  const boxes = [`drawbox=x=0:y=0:w=${width}:h=${Math.floor(height / 2)}:color=black:t=fill`]
  for (let k = 0; k < 24; k++) {
    const col = k % 8
    const row = Math.floor(k / 8)
    const x = Math.floor((col * width) / 8)
    const y = Math.floor((row * height) / 6)
    const w = Math.floor(((col + 1) * width) / 8) - x
    const h = Math.floor(((row + 1) * height) / 6) - y
    const on = k < 16 ? `eq(${bit(k)},1)` : `eq(${bit(k - 16)},${bit(k - 8)})`
    boxes.push(`drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=white:t=fill:enable='${on}'`)
  }
  return boxes.join(',')
}

export interface FrameCodeResult {
  /** The frame number, or null when a cell is ambiguous or the check bits disagree. */
  frame: number | null
  /** Why decoding failed, when it did. */
  problem: string | null
  /** Mean luma of each cell's middle, 0..255. */
  levels: number[]
}

/**
 * Decodes the frame number from RGBA pixels (canvas ImageData, or ffmpeg `-pix_fmt rgba`).
 * Self-contained on purpose (no references outside its body) so Playwright can pass it
 * to page.evaluate as it is. `stride` is bytes per row (default width × 4).
 */
export function decodeFrameCode(rgba: ArrayLike<number>, width: number, height: number, stride?: number): FrameCodeResult {
  const rowBytes = stride ?? width * 4
  const cols = 8
  const rows = 3
  const cellW = width / cols
  const cellH = height / 6
  const levels: number[] = []
  let value = 0
  let check = 0
  for (let k = 0; k < cols * rows; k++) {
    const cx = (k % cols) * cellW
    const cy = Math.floor(k / cols) * cellH
    const x0 = Math.floor(cx + cellW / 4)
    const x1 = Math.max(x0 + 1, Math.floor(cx + (3 * cellW) / 4))
    const y0 = Math.floor(cy + cellH / 4)
    const y1 = Math.max(y0 + 1, Math.floor(cy + (3 * cellH) / 4))
    let sum = 0
    let count = 0
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = y * rowBytes + x * 4
        sum += 0.299 * (rgba[i] as number) + 0.587 * (rgba[i + 1] as number) + 0.114 * (rgba[i + 2] as number)
        count++
      }
    }
    const level = sum / count
    levels.push(Math.round(level))
    if (level > 64 && level < 192) return { frame: null, problem: `cell ${k} is neither dark nor light (${Math.round(level)})`, levels }
    if (level >= 192) {
      if (k < 16) value |= 1 << k
      else check |= 1 << (k - 16)
    }
  }
  const expected = ~((value & 0xff) ^ (value >> 8)) & 0xff
  if (check !== expected) return { frame: null, problem: `check bits ${check} do not match ${expected} for ${value}`, levels }
  return { frame: value, problem: null, levels }
}
