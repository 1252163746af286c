// The profile API the `enrich` example calls: GET /profiles/<user> answers JSON, 404 for others.
//   node examples/data-sources/profile-api.mjs   (listens on 127.0.0.1:9000, or PORT)
import { createServer } from 'node:http';

const profiles = { ada: { name: 'Ada Lovelace', plan: 'pro' }, bob: { name: 'Bob', plan: 'free' } };

export const server = createServer((req, res) => {
  const user = decodeURIComponent(/^\/profiles\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
  const profile = profiles[user];
  if (req.method !== 'GET' || profile === undefined) return void res.writeHead(404).end();
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(profile));
});

if (process.argv[1] === new URL(import.meta.url).pathname) server.listen(Number(process.env.PORT ?? 9000), '127.0.0.1');
