import { SageError } from './errors';
import type { Transport } from './http';
import { tokenManager } from './process-wide';
import type { SageCredentials } from './tokens';

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
 */
export async function exchangeForCredential(data: CredentialData, transport: Transport): Promise<{ accessToken: string; graphqlUrl: string }> {
	const credentials = toSageCredentials(data);
	const manager = tokenManager();
	const stored = typeof data.accessToken === 'string' ? data.accessToken : '';
	try {
		const session = stored
			? await manager.renewAfterUnauthorized(credentials, { accessToken: stored, graphqlUrl: String(data.graphqlUrl ?? '') }, { transport })
			: await manager.getSession(credentials, { transport });
		return { accessToken: session.accessToken, graphqlUrl: session.graphqlUrl };
	} catch (error) {
		// n8n shows only `code` when an error has one: hand it the sentence instead.
		throw new Error(explain(error));
	}
}

/** The message and what to do next, in one sentence pair for places that show only a message. */
export function explain(error: unknown): string {
	if (error instanceof SageError) return error.hint ? `${error.message} ${error.hint}` : error.message;
	return 'The connection to Sage failed for an unexpected reason.';
}
