/**
 * The server's test helpers, for the client's tests: a real Switchboard, JWT issuers, a Lambda
 * authorizer and IAM keys (`@switchboard/server` is a devDependency of this package; the client
 * itself never imports it). They are read from the server's build output, which `tsc -b` makes
 * first (project reference).
 */
export { startTestServer, TEST_KEY, type TestServer } from '../../../server/dist/test-support/server.js';
export { AuthFixture, IAM_KEY } from '../../../server/dist/test-support/auth-fixture.js';
export { TcpProxy } from '../../../server/dist/test-support/tcp-proxy.js';
export { HandlerFiles } from '../../../server/dist/test-support/handler-files.js';
