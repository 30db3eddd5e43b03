import { tokenManager, type SageCredentials } from './tokens';

/** The `sageErpApi` credential's data as n8n hands it over. */
export type CredentialData = Record<string, unknown>;

export function toSageCredentials(data: CredentialData): SageCredentials {
	return {
		tokenUrl: String(data.tokenUrl ?? ''),
		clientId: String(data.clientId ?? ''),
		clientSecret: String(data.clientSecret ?? ''),
		tenantId: String(data.tenantId ?? ''),
		tokenRequestFormat: data.tokenRequestFormat === 'oauth2' ? 'oauth2' : 'json',
	};
}

/**
 * The credential's preAuthentication. n8n calls it when the stored token is empty, or
 * after Sage answered 401 to it: a token still present here was rejected, so renew.
 */
export async function exchangeForCredential(data: CredentialData): Promise<{ accessToken: string; graphqlUrl: string }> {
	const credentials = toSageCredentials(data);
	const manager = tokenManager();
	const stored = typeof data.accessToken === 'string' ? data.accessToken : '';
	const session = stored
		? await manager.renewAfterUnauthorized(credentials, { accessToken: stored, graphqlUrl: String(data.graphqlUrl ?? '') })
		: await manager.getSession(credentials);
	return { accessToken: session.accessToken, graphqlUrl: session.graphqlUrl };
}
