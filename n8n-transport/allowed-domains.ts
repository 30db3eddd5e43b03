import * as workflow from 'n8n-workflow';

import { PortFailure, REFUSED_BY_POLICY, type SendPort } from '../sage-client/transport/port';

/**
 * The credential's "Allowed HTTP Request Domains" setting, which n8n (2.x) adds to every
 * credential that authenticates requests. n8n applies it to requests it authenticates
 * itself; the Sage ERP nodes hold the token cache and send through `httpRequest`, so they
 * apply it here, to every URL they send to: the token URL, the renewal and invalidation
 * URLs and the GraphQL URL the token answer names. Only "Specific Domains" restricts the
 * credential's own nodes; "None" blocks the generic HTTP Request and GraphQL nodes, as in n8n.
 */
export function withAllowedDomains(
	send: SendPort,
	credentialData: Record<string, unknown>,
): SendPort {
	if (credentialData.allowedHttpRequestDomains !== 'domains') return send;
	const allowedDomains =
		typeof credentialData.allowedDomains === 'string' ? credentialData.allowedDomains.trim() : '';
	return async (request) => {
		const refusal = allowedDomains ? refusalOf(request.url, allowedDomains) : NO_DOMAINS;
		if (refusal) throw new PortFailure(refusal, { code: REFUSED_BY_POLICY, description: HINT });
		return await send(request);
	};
}

const HINT =
	'Add the host to "Allowed Domains" in the Sage ERP API credential, or allow all domains there.';
const NO_DOMAINS =
	'No allowed domains specified. Configure allowed domains or change restriction setting';

type AssertUrlAllowed = (options: { url: string; allowedDomains?: string }) => void;

/** n8n's own check and message where n8n-workflow has it (2.x), the same rule otherwise. */
function refusalOf(url: string, allowedDomains: string): string | undefined {
	const assertUrlAllowed = (workflow as unknown as { assertUrlAllowed?: AssertUrlAllowed })
		.assertUrlAllowed;
	if (typeof assertUrlAllowed === 'function') {
		try {
			assertUrlAllowed({ url, allowedDomains });
			return undefined;
		} catch (error) {
			return error instanceof Error ? error.message : String(error);
		}
	}
	if (hostAllowed(url, allowedDomains)) return undefined;
	return `Domain not allowed: This credential is restricted from accessing ${hostOf(url)}. Only the following domains are allowed: ${allowedDomains}`;
}

/** `*.example.com` matches subdomains only, never the bare domain, as in n8n. */
function hostAllowed(url: string, allowedDomains: string): boolean {
	let host: string;
	try {
		host = new URL(url).hostname.toLowerCase().replace(/\.$/, '');
	} catch {
		return false;
	}
	return allowedDomains
		.split(',')
		.map((domain) => domain.trim().toLowerCase().replace(/\.$/, ''))
		.filter(Boolean)
		.some((domain) =>
			domain.startsWith('*.')
				? domain.length > 2 && host.endsWith(domain.slice(1))
				: host === domain,
		);
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return url;
	}
}
