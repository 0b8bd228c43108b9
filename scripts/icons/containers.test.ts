/** Icon containers: the .ico and .icns written from PNGs read back entry by entry; the committed icons are valid. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIcns, encodeIco, ICNS_TYPES, pngSize } from './containers';

/** A minimal PNG header (signature + IHDR size fields) for `size` px; enough for the containers. */
function fakePng(size: number): Buffer {
  const b = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(size, 16);
  b.writeUInt32BE(size, 20);
  return b;
}

/** The entries of an .ico: size and PNG bytes. */
function readIco(ico: Buffer): { size: number; png: Buffer }[] {
  expect(ico.readUInt16LE(2)).toBe(1);
  return Array.from({ length: ico.readUInt16LE(4) }, (_, i) => {
    const e = 6 + 16 * i;
    const size = ico.readUInt8(e) || 256;
    const png = ico.subarray(ico.readUInt32LE(e + 12), ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8));
    return { size, png };
  });
}

/** The elements of an .icns: type and data. */
function readIcns(icns: Buffer): { type: string; data: Buffer }[] {
  expect(icns.toString('ascii', 0, 4)).toBe('icns');
  expect(icns.readUInt32BE(4)).toBe(icns.length);
  const out: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < icns.length;) {
    const len = icns.readUInt32BE(at + 4);
    out.push({ type: icns.toString('ascii', at, at + 4), data: icns.subarray(at + 8, at + len) });
    at += len;
  }
  return out;
}

describe('icon containers', () => {
  it('writes an .ico whose entries are the PNGs, 256 px as 0', () => {
    const images = [16, 48, 256].map((size) => ({ size, png: fakePng(size) }));
    const ico = encodeIco(images);
    expect(ico.readUInt8(6 + 32)).toBe(0);
    expect(readIco(ico)).toEqual(images);
  });

  it('writes an .icns with the element type of each size', () => {
    const images = [16, 128, 1024].map((size) => ({ size, png: fakePng(size) }));
    expect(readIcns(encodeIcns(images))).toEqual(
      images.map((i) => ({ type: ICNS_TYPES[i.size], data: i.png })),
    );
  });

  it('refuses sizes a container cannot hold and data that is not a PNG', () => {
    expect(() => encodeIco([{ size: 512, png: fakePng(512) }])).toThrow(/512 px/);
    expect(() => encodeIcns([{ size: 48, png: fakePng(48) }])).toThrow(/48 px/);
    expect(() => encodeIco([{ size: 16, png: Buffer.from('GIF89a.................') }])).toThrow(/not a PNG/);
  });

  it('keeps valid committed icons in resources/ (npm run icons)', () => {
    const resources = path.resolve(__dirname, '../../resources');
    expect(pngSize(readFileSync(path.join(resources, 'icon.png')))).toEqual({ width: 1024, height: 1024 });
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024])
      expect(pngSize(readFileSync(path.join(resources, 'icons', `${size}x${size}.png`)))).toEqual({
        width: size,
        height: size,
      });
    const ico = readIco(readFileSync(path.join(resources, 'icon.ico')));
    expect(ico.map((e) => e.size)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    for (const e of ico) expect(pngSize(e.png)).toEqual({ width: e.size, height: e.size });
    const icns = readIcns(readFileSync(path.join(resources, 'icon.icns')));
    expect(icns.map((e) => e.type)).toEqual(['icp4', 'icp5', 'icp6', 'ic07', 'ic08', 'ic09', 'ic10']);
  });
});
