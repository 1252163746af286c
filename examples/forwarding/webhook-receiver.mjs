// A webhook receiver that verifies x-switchboard-signature and prints each event.
// Usage: WEBHOOK_SECRET=change-me-to-a-long-random-secret node examples/forwarding/webhook-receiver.mjs [port=9000]
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const secret = process.env.WEBHOOK_SECRET ?? 'change-me-to-a-long-random-secret';
const TOLERANCE_SECONDS = 300;

/** True when `header` (t=<seconds>,v1=<hex>) signs `body` with `secret`, recently. */
export function verify(header, body, now = Date.now()) {
  const fields = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
  const timestamp = Number(fields.t);
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > TOLERANCE_SECONDS) return false;
  const expected = createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const receiver = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (!verify(req.headers['x-switchboard-signature'] ?? '', body)) {
      res.writeHead(401).end();
      return console.log('refused a request with a bad signature');
    }
    for (const event of JSON.parse(body).events) console.log(event.channel, event.id, JSON.stringify(event.payload));
    res.writeHead(204).end();
  });
});
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  receiver.listen(Number(process.argv[2] ?? 9000), '127.0.0.1', () => console.log(`listening on ${JSON.stringify(receiver.address())}`));
}
