// dicomweb-client (the DICOMweb client OHIF uses) against Isocenter: stores one Part 10 file, then searches, reads its
// metadata, its first frame and a rendered JPEG, and prints what it got as JSON for DicomWebClientInteropTests.
// Usage: node interop.mjs URL FILE STUDY SERIES SOP [HEADER=VALUE...]
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import XMLHttpRequest from 'xhr2';
import dicomweb from 'dicomweb-client';

globalThis.XMLHttpRequest = XMLHttpRequest; // the client is written for browsers

const [url, file, studyInstanceUID, seriesInstanceUID, sopInstanceUID, ...headerArgs] = process.argv.slice(2);
const headers = Object.fromEntries(headerArgs.map(h => [h.slice(0, h.indexOf('=')), h.slice(h.indexOf('=') + 1)]));
const client = new dicomweb.api.DICOMwebClient({ url, headers });
const sha256 = buffer => createHash('sha256').update(Buffer.from(buffer)).digest('hex');
const uidsOf = (results, tag) => results.map(r => r[tag]?.Value?.[0]);

const bytes = readFileSync(file);
const result = {};
const stored = await client.storeInstances({ datasets: [bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)] });
result.store = typeof stored === 'string' ? JSON.parse(stored) : stored;
result.studies = uidsOf(await client.searchForStudies({ queryParams: { StudyInstanceUID: studyInstanceUID } }), '0020000D');
result.series = uidsOf(await client.searchForSeries({ studyInstanceUID }), '0020000E');
result.instances = uidsOf(await client.searchForInstances({ studyInstanceUID, seriesInstanceUID }), '00080018');
result.metadata = uidsOf(await client.retrieveStudyMetadata({ studyInstanceUID }), '00080018');
const frames = await client.retrieveInstanceFrames({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, frameNumbers: [1] });
result.frames = frames.map(f => ({ length: f.byteLength, sha256: sha256(f) }));
const rendered = await client.retrieveInstanceRendered({ studyInstanceUID, seriesInstanceUID, sopInstanceUID, mediaTypes: [{ mediaType: 'image/jpeg' }] });
const image = Array.isArray(rendered) ? rendered[0] : rendered; // the client hands image bodies back as a list of parts
result.rendered = { length: image.byteLength, head: Buffer.from(image.slice(0, 3)).toString('hex') };
console.log(JSON.stringify(result));
