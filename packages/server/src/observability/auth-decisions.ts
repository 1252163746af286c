import type { AuthDecision } from '../auth/authorize.js';
import type { Logger } from '../log/logger.js';
import type { ServerMetrics } from './server-metrics.js';

/**
 * Records each auth decision: `switchboard_auth_duration_seconds{operation,mode,result}`, and a
 * log line (`auth`): a refusal at INFO, a grant at DEBUG. The line names the mode and, for a
 * refusal, the reason the client was given; never the credential.
 */
export function authDecisionRecorder(log: Logger, metrics: ServerMetrics): (decision: AuthDecision) => void {
  return ({ request, mode, allowed, reason, seconds }) => {
    metrics.authSeconds.observe({ operation: request.operation, mode, result: allowed ? 'allow' : 'deny' }, seconds);
    if (allowed && !log.enabled('debug')) return;
    const fields = {
      requestId: request.requestId,
      operation: request.operation,
      channel: request.channel,
      mode,
      result: allowed ? 'allow' : 'deny',
      reason,
      ms: Math.round(seconds * 1e6) / 1000,
    };
    if (allowed) log.debug('auth', fields);
    else log.info('auth', fields);
  };
}
