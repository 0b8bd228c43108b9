/**
 * Icon containers from PNG images, byte for byte: Windows `.ico` (PNG-compressed entries, read by
 * Windows Vista and later, as electron-builder's NSIS target expects) and macOS `.icns` (PNG
 * entries `icp4`..`ic10`). Pure functions over Buffers; scripts/icons/make-icons.ts writes the files.
 */

/** A square PNG image of `size` pixels. */
export interface PngImage {
  size: number;
  png: Buffer;
}

/**
 * An `.ico` holding the images (each at most 256 px; 256 is written as 0, as the format says).
 * @throws when an image is larger than 256 px or is not a PNG
 */
export function encodeIco(images: readonly PngImage[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // 1 = icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    if (size < 1 || size > 256) throw new Error(`ico: ${size} px is outside 1..256`);
    assertPng(png);
    const e = Buffer.alloc(16);
    e.writeUInt8(size === 256 ? 0 : size, 0);
    e.writeUInt8(size === 256 ? 0 : size, 1);
    e.writeUInt8(0, 2); // no palette
    e.writeUInt8(0, 3);
    e.writeUInt16LE(1, 4); // colour planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    entries.push(e);
    offset += png.length;
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** The `.icns` element type of each PNG size macOS reads. */
export const ICNS_TYPES: Readonly<Record<number, string>> = {
  16: 'icp4',
  32: 'icp5',
  64: 'icp6',
  128: 'ic07',
  256: 'ic08',
  512: 'ic09',
  1024: 'ic10',
};

/**
 * An `.icns` holding the images whose size has an element type ({@link ICNS_TYPES}).
 * @throws when an image's size has none, or an image is not a PNG
 */
export function encodeIcns(images: readonly PngImage[]): Buffer {
  const elements = images.map(({ size, png }) => {
    const type = ICNS_TYPES[size];
    if (!type) throw new Error(`icns: no element type for ${size} px`);
    assertPng(png);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + elements.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...elements]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The width and height of a PNG (its IHDR chunk). @throws when `png` is not a PNG */
export function pngSize(png: Buffer): { width: number; height: number } {
  assertPng(png);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

function assertPng(png: Buffer): void {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG image');
}
