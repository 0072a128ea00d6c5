// The partner API guide's example (docs/api.md, "Signing files"): a partner signs a file's raw bytes, as they are sent, not a re-encoding of
// them (the standardwebhooks npm package re-encodes a Buffer as UTF-8, which breaks a GB18030 file's signature).
// Usage: node sign-raw-bytes.cjs <whsec_ secret> <webhook-id> <timestamp> <file>  -> prints the webhook-signature value.
const crypto = require('crypto');
const fs = require('fs');

function sign(secret, id, timestamp, bytes) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), bytes]);
  return 'v1,' + crypto.createHmac('sha256', key).update(signed).digest('base64');
}

const [secret, id, timestamp, file] = process.argv.slice(2);
process.stdout.write(sign(secret, id, timestamp, fs.readFileSync(file)));
