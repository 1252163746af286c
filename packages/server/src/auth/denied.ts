import { ProtocolError } from '@switchboard/protocol';

/** The `UnauthorizedException` every authorizer rejects with, in AppSync's words plus the reason. */
export function denied(reason: string): ProtocolError {
  return new ProtocolError('UnauthorizedException', `You are not authorized to make this call: ${reason}.`);
}
