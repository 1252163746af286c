/**
 * The server's test helpers, read from its build output (`tsc -b` builds it first): a real
 * Switchboard, a raw `ws` client, the CLI runner.
 */
export { startTestServer, TEST_KEY, type TestServer } from '../../../server/dist/test-support/server.js';
export { TestClient } from '../../../server/dist/test-support/ws-client.js';
export { until } from '../../../server/dist/test-support/until.js';
export { runCli, waitForOutput, type CliRun } from '../../../server/dist/test-support/cli-process.js';
export { AuthFixture } from '../../../server/dist/test-support/auth-fixture.js';
