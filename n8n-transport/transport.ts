import type { Transport } from '../sage-client/transport/http';
import { withAllowedDomains } from './allowed-domains';
import { n8nPort, type HttpHelpers } from './http-port';

/**
 * How the Sage client sends for one n8n context: through n8n's HTTP helper, within the
 * credential's allowed domains. Every node, the trigger and the credential use this.
 */
export function n8nTransport(
	context: HttpHelpers,
	credentialData: Record<string, unknown>,
): Transport {
	return { send: withAllowedDomains(n8nPort(context), credentialData) };
}
