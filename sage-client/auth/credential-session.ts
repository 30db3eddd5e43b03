import { SageError } from '../transport/errors';
import type { Transport } from '../transport/http';
import {
	checkCredentials,
	credentialFingerprint,
	exchangeRequest,
	type SageCredentials,
	type TokenManager,
} from './tokens';

/** The `sageErpApi` credential's data as n8n hands it over. */
export type CredentialData = Record<string, unknown>;

export function toSageCredentials(data: CredentialData): SageCredentials {
	return {
		tokenUrl: String(data.tokenUrl ?? ''),
		clientId: String(data.clientId ?? ''),
		clientSecret: String(data.clientSecret ?? ''),
		tenantId: String(data.tenantId ?? ''),
		requestFormat: data.requestFormat === 'oauth2' ? 'oauth2' : 'json',
	};
}

/**
 * The credential's preAuthentication. n8n calls it when the stored token is empty, or
 * after Sage answered 401 to it: a token still present here was rejected, so renew.
 * `manager` is the process-wide token cache, handed in by the credential, so the nodes
 * and the credential share one exchange per token lifetime.
 */
export async function exchangeForCredential(
	data: CredentialData,
	transport: Transport,
	manager: TokenManager,
): Promise<{ accessToken: string; graphqlUrl: string; issuedFor: string }> {
	const credentials = toSageCredentials(data);
	const stored = typeof data.accessToken === 'string' ? data.accessToken : '';
	try {
		const session = stored
			? await manager.renewAfterUnauthorized(
					credentials,
					{ accessToken: stored, graphqlUrl: String(data.graphqlUrl ?? '') },
					{ transport },
				)
			: await manager.getSession(credentials, { transport });
		return {
			accessToken: session.accessToken,
			graphqlUrl: session.graphqlUrl,
			issuedFor: credentialFingerprint(credentials),
		};
	} catch (error) {
		// n8n shows only `code` when an error has one: hand it the sentence instead.
		throw new Error(explain(error));
	}
}

/** The message and what to do next, in one sentence pair for places that show only a message. */
export function explain(error: unknown): string {
	if (error instanceof SageError)
		return error.hint ? `${error.message} ${error.hint}` : error.message;
	return 'The connection to Sage failed for an unexpected reason.';
}

/**
 * The credential Test's request. n8n resolves a test request before it runs
 * preAuthentication, and skips preAuthentication when a token is stored, even one issued
 * for values the user has edited since. So: with a token issued for exactly these values,
 * ask the tenant's GraphQL URL for `__typename` with it; otherwise run the token exchange
 * of the values in the form, which is what the Test must prove.
 */
export function credentialTestRequest(data: CredentialData): {
	url: string;
	headers: Record<string, string>;
	body: string;
} {
	const credentials = toSageCredentials(data);
	const stored = typeof data.accessToken === 'string' ? data.accessToken : '';
	const issuedFor = typeof data.issuedFor === 'string' ? data.issuedFor : '';
	if (
		stored &&
		typeof data.graphqlUrl === 'string' &&
		data.graphqlUrl &&
		issuedFor === credentialFingerprint(credentials)
	) {
		const headers = {
			'content-type': 'application/json',
			accept: 'application/json',
			authorization: `Bearer ${stored}`,
		};
		return { url: data.graphqlUrl, headers, body: JSON.stringify({ query: '{ __typename }' }) };
	}
	const exchange = exchangeRequest(checkCredentials(credentials));
	return {
		url: checkCredentials(credentials).tokenUrl,
		headers: { ...exchange.headers, accept: 'application/json' },
		body: exchange.body,
	};
}
