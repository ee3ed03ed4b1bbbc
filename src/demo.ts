/**
 * The newcomer's first run: signs the official Google example (seed 001) and verifies it,
 * then shows a tampered copy refused with its reason and the likely cause.
 */
import { explainUrl, parseCredential, signUrl, verifyUrl } from './index.js';

// Test credential published in Google's documentation; it is valid nowhere.
const credential = parseCredential({ scheme: 'google', secret: 'vNIXE0xscrmjlyV-12Nj_BvUPaw=' });
const unsigned = 'https://maps.googleapis.com/maps/api/geocode/json?address=New+York&client=clientID';

const signed = signUrl(unsigned, credential);
console.log(`signed:   ${signed}`);
const verdict = verifyUrl(signed, credential);
console.log(`verify:   ${verdict.valid ? 'valid' : verdict.reason}`);

const tampered = signed.replace('New+York', 'New%20York');
const result = verifyUrl(tampered, credential);
console.log(`tampered: ${tampered}`);
console.log(`verify:   ${result.valid ? 'valid' : `${result.reason} - ${result.message}`}`);
for (const cause of explainUrl(tampered, credential).likelyCauses) console.log(`cause:    ${cause.title} ${cause.fix}`);
