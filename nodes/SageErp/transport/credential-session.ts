import { SageClient } from './client';
import { SageError } from './errors';
import { TokenManager, tokenManager, type SageCredentials } from './tokens';

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
	try {
		const session = stored
			? await manager.renewAfterUnauthorized(credentials, { accessToken: stored, graphqlUrl: String(data.graphqlUrl ?? '') })
			: await manager.getSession(credentials);
		return { accessToken: session.accessToken, graphqlUrl: session.graphqlUrl };
	} catch (error) {
		// n8n shows only `code` when an error has one: hand it the sentence instead.
		throw new Error(explain(error));
	}
}

/** The message and what to do next, in one sentence pair for places that show only a message. */
export function explain(error: unknown): string {
	if (error instanceof SageError) return error.hint ? `${error.message} ${error.hint}` : error.message;
	return 'The connection test failed for an unexpected reason.';
}

/**
 * A real token exchange and a trivial GraphQL query with exactly the values typed in the
 * credential form, on a token cache of its own (the values may be unsaved edits); the test
 * tokens are invalidated afterwards.
 */
export async function testConnection(data: CredentialData): Promise<{ ok: boolean; message: string }> {
	const credentials = toSageCredentials(data);
	const manager = new TokenManager();
	try {
		const client = new SageClient(credentials, { tokens: manager });
		const result = await client.execute({ query: '{ __typename }', isMutation: false, timeoutMs: 30_000 });
		if (result.errors.length) return { ok: false, message: `The token exchange worked, but the GraphQL URL refused a query: ${result.errors[0].message}` };
		return { ok: true, message: `Connected to tenant "${credentials.tenantId}" at ${new URL(await client.graphqlUrl()).host}.` };
	} catch (error) {
		return { ok: false, message: explain(error) };
	} finally {
		await manager.invalidateAll();
	}
}
