import { chmodSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FunctionTargetConfig } from '../config/function-target.js';
import { createLogger } from '../log/logger.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { programAvailable } from '../test-support/programs.js';
import { invokerContract, type ContractFunction } from './contract.js';
import { HttpInvoker } from './http.js';
import { InlineInvoker } from './js/inline.js';
import { WorkerInvoker } from './js/worker.js';
import { FunctionService } from './service.js';

const log = createLogger({ level: 'silent' });

const js = (version: number): string => `
export const handler = async (event) => {
  if (event.do === 'throw') { const e = new Error('boom ' + event.n); e.name = 'Boom'; throw e; }
  if (event.do === 'hang') return new Promise(() => {});
  if (event.do === 'crash') process.exit(3);
  return { version: ${version}, event };
};
`;

const python = (version: number): string => `
import os, time

class Boom(Exception):
    pass

def handler(event, context):
    if event["do"] == "throw":
        raise Boom("boom %d" % event["n"])
    if event["do"] == "hang":
        time.sleep(60)
    if event["do"] == "crash":
        os._exit(3)
    return {"version": ${version}, "event": event}
`;

/** A custom runtime in POSIX shell with curl, in the shape of AWS's custom runtime tutorial. */
const shell = (version: number): string => `#!/bin/sh
set -eu
API="http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime"
while true; do
  HEADERS="$(mktemp)"
  EVENT="$(curl -sS -D "$HEADERS" "$API/invocation/next")"
  ID="$(grep -i '^lambda-runtime-aws-request-id:' "$HEADERS" | cut -d' ' -f2 | tr -d '\\r\\n')"
  rm -f "$HEADERS"
  N="$(echo "$EVENT" | sed 's/.*"n":\\([0-9]*\\).*/\\1/')"
  case "$EVENT" in
    *'"do":"throw"'*) curl -sS -X POST "$API/invocation/$ID/error" -d "{\\"errorType\\":\\"Boom\\",\\"errorMessage\\":\\"boom $N\\"}" >/dev/null ;;
    *'"do":"hang"'*) sleep 60 ;;
    *'"do":"crash"'*) exit 3 ;;
    *) curl -sS -X POST "$API/invocation/$ID/response" -d "{\\"version\\":${version},\\"event\\":$EVENT}" >/dev/null ;;
  esac
done
`;
const BROKEN_SHELL = `#!/bin/sh
curl -sS -X POST "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/init/error" -d '{"errorType":"Broken","errorMessage":"cannot start"}'
exit 1
`;

function moduleFunction(name: string, runtime: 'worker' | 'inline'): () => Promise<ContractFunction> {
  return async () => {
    const files = new HandlerFiles(`contract-${name}`);
    const file = files.write('fn.mjs', js(1));
    const invoker = runtime === 'worker' ? new WorkerInvoker(file, log) : new InlineInvoker(file, log);
    return {
      invoker,
      write: (version) => files.write('fn.mjs', js(version)),
      writeBroken: () => files.write('fn.mjs', 'export const handler = async ( => {};'),
      close: async () => files.remove(),
    };
  };
}

/** A function run through the FunctionService, as the server runs it. */
function serviceFunction(name: string, file: string, source: (version: number) => string, broken: string, target: (path: string) => Partial<FunctionTargetConfig>): () => Promise<ContractFunction> {
  return async () => {
    const files = new HandlerFiles(`contract-${name}`);
    const write = (text: string): void => {
      chmodSync(files.write(file, text), 0o755);
    };
    write(source(1));
    const service = new FunctionService({ log });
    const invoker = service.get({ memoryMb: 256, concurrency: 4, retries: 0, ...target(`${files.dir}/${file}`) }, { option: 'test', kind: 'function' });
    return { invoker, write: (version) => write(source(version)), writeBroken: () => write(broken), close: async () => (await service.close(), files.remove()) };
  };
}

invokerContract('worker thread', moduleFunction('worker', 'worker'));

invokerContract('inline', moduleFunction('inline', 'inline'), {
  crash: 'inline code shares the server process: a crash there ends the server (documented)',
});

invokerContract('HTTP', async () => {
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const event = JSON.parse(body) as { do: string; n: number };
      if (event.do === 'hang') return;
      if (event.do === 'throw') return void res.end(JSON.stringify({ errorType: 'Boom', errorMessage: `boom ${event.n}` }));
      res.end(JSON.stringify({ version: 1, event }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const invoker = new HttpInvoker(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { retries: 0 });
  return {
    invoker,
    write: () => {},
    writeBroken: () => {},
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}, {
  crash: 'an HTTP function runs in its own server: a crash there is a failed request, covered by the retry tests',
  reload: "an HTTP function's code is its server's",
});

if (programAvailable('python3').ok) {
  invokerContract('Python (Runtime API process)', serviceFunction('python', 'app.py', python, 'def handler(:\n', (path) => ({ function: path })));
}

if (programAvailable('curl').ok) {
  invokerContract('custom runtime: shell + curl (Runtime API process)', serviceFunction('shell', 'bootstrap', shell, BROKEN_SHELL, (path) => ({ command: path })));
}
