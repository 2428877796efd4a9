// Decodes a PNG file with node's zlib, for the scenarios' checks (a
// signature read back from the database): 8-bit greyscale, grey+alpha,
// RGB or RGBA, not interlaced. Prints "WIDTH HEIGHT INK", INK being the
// number of dark pixels (every colour channel below 128). Exits 1 with
// the reason when the file is not such a PNG or does not decode: a bad
// signature, a chunk whose CRC is wrong, no IHDR/IDAT/IEND, image data
// that does not inflate to the size the header gives, or an unknown
// filter.
//   node pnginfo.mjs FILE.png
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';

const die = (why) => {
	console.error(`pnginfo: ${process.argv[2]}: ${why}`);
	process.exit(1);
};

const crcTable = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
const crc32 = (buf) => {
	let c = 0xffffffff;
	for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
};

const png = readFileSync(process.argv[2]);
if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
	die('not a PNG signature');

let header = null;
let ended = false;
const idat = [];
for (let at = 8; at < png.length && !ended; ) {
	if (at + 12 > png.length) die('a truncated chunk');
	const len = png.readUInt32BE(at);
	const type = png.toString('latin1', at + 4, at + 8);
	if (at + 12 + len > png.length) die(`chunk ${type} runs past the end`);
	const body = png.subarray(at + 8, at + 8 + len);
	if (crc32(png.subarray(at + 4, at + 8 + len)) !== png.readUInt32BE(at + 8 + len))
		die(`chunk ${type}: bad CRC`);
	if (type === 'IHDR') header = body;
	else if (type === 'IDAT') idat.push(body);
	else if (type === 'IEND') ended = true;
	at += 12 + len;
}
if (!header || !idat.length || !ended) die('IHDR, IDAT or IEND missing');

const width = header.readUInt32BE(0);
const height = header.readUInt32BE(4);
const [depth, colour, , , interlace] = header.subarray(8, 13);
const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colour];
if (depth !== 8 || !channels || interlace !== 0) die('not an 8-bit, non-interlaced PNG');
const colours = colour === 2 || colour === 6 ? 3 : 1;

let raw;
try {
	raw = inflateSync(Buffer.concat(idat));
} catch (e) {
	die(`the image data does not inflate: ${e.message}`);
}
const stride = width * channels;
if (!width || !height || raw.length !== height * (stride + 1))
	die(`${raw.length} bytes of image data for ${width}x${height}`);

// Undo the filters row by row (PNG spec, section 9), counting dark pixels.
const paeth = (a, b, c) => {
	const p = a + b - c;
	const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
	return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};
let prev = Buffer.alloc(stride);
let ink = 0;
for (let y = 0; y < height; y++) {
	const filter = raw[y * (stride + 1)];
	const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
	for (let i = 0; i < stride; i++) {
		const a = i >= channels ? row[i - channels] : 0;
		const b = prev[i];
		const c = i >= channels ? prev[i - channels] : 0;
		const add = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
		if (add === undefined) die(`row ${y}: unknown filter ${filter}`);
		row[i] = (row[i] + add) & 0xff;
	}
	for (let x = 0; x < width; x++) {
		let dark = true;
		for (let k = 0; k < colours; k++) dark &&= row[x * channels + k] < 128;
		if (dark) ink++;
	}
	prev = row;
}
console.log(`${width} ${height} ${ink}`);
