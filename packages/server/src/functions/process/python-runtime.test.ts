import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger } from '../../log/logger.js';
import { HandlerFiles } from '../../test-support/handler-files.js';
import { programAvailable } from '../../test-support/programs.js';
import { FunctionService } from '../service.js';

// The real awslambdaric cannot be installed here (no Python package index is reachable), so this
// stand-in, a minimal runtime of its own under that package name, shows that Switchboard's Python
// runtime hands over to an installed `python -m awslambdaric <handler>` in the task root.
const STAND_IN = `
import json, os, sys, urllib.request
base = "http://%s/2018-06-01/runtime" % os.environ["AWS_LAMBDA_RUNTIME_API"]
while True:
    with urllib.request.urlopen(base + "/invocation/next") as r:
        request_id = r.headers["Lambda-Runtime-Aws-Request-Id"]
        r.read()
    body = json.dumps({"via": "awslambdaric", "handler": sys.argv[1], "cwd": os.getcwd()}).encode()
    urllib.request.urlopen(urllib.request.Request(base + "/invocation/%s/response" % request_id, data=body, method="POST")).read()
`;

describe('Python runtime: awslambdaric when installed', { skip: programAvailable('python3').ok ? false : 'python3 is not installed' }, () => {
  let files: HandlerFiles;
  let service: FunctionService;
  before(() => {
    files = new HandlerFiles('awslambdaric');
    files.write('site/awslambdaric/__init__.py', '');
    files.write('site/awslambdaric/__main__.py', STAND_IN);
    files.write('fn/app.py', 'import os\ndef handler(event, context):\n    return {"via": "switchboard", "trace": os.environ.get("_X_AMZN_TRACE_ID")}\n');
    service = new FunctionService({ log: createLogger({ level: 'silent' }) });
  });
  after(async () => {
    await service.close();
    files.remove();
  });

  const invoke = (environment: Record<string, string>) => {
    const invoker = service.get({ function: `${files.dir}/fn/app.py`, environment, memoryMb: 256, concurrency: 1, retries: 0 }, { option: 'test', kind: 'function' });
    return invoker.invoke({ kind: 'function', operation: 'onPublish', payload: {}, requestId: 'r-1', functionName: 'app', deadline: Date.now() + 10_000, tags: {}, traceId: 'Root=1-5759e988-bd862e3fe1be46a994272793' });
  };

  it('hands over to python -m awslambdaric <handler> in the task root', async () => {
    assert.deepEqual(await invoke({ PYTHONPATH: `${files.dir}/site` }), { status: 'ok', value: { via: 'awslambdaric', handler: 'app.handler', cwd: `${files.dir}/fn` } });
  });

  it('keeps its own runtime with SWITCHBOARD_PYTHON_RUNTIME=stdlib, which passes the trace id as _X_AMZN_TRACE_ID', async () => {
    const outcome = await invoke({ PYTHONPATH: `${files.dir}/site`, SWITCHBOARD_PYTHON_RUNTIME: 'stdlib' });
    assert.deepEqual(outcome, { status: 'ok', value: { via: 'switchboard', trace: 'Root=1-5759e988-bd862e3fe1be46a994272793' } });
  });
});
