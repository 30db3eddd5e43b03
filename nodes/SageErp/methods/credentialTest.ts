import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { testConnection } from '../transport/credential-session';

/**
 * The credential's "Test" button. A function rather than a declarative request: the
 * GraphQL URL is only known after the token exchange, and the user deserves Sage's own
 * reason (wrong secret, unknown tenant, not a token API) rather than an HTTP code.
 */
export async function sageErpApiTest(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const outcome = await testConnection(credential.data ?? {});
	return outcome.ok ? { status: 'OK', message: outcome.message } : { status: 'Error', message: outcome.message };
}
