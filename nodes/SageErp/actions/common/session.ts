import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

import { SageClient, type GraphQLRequest, type GraphQLResult } from '../../transport/client';
import { toSageCredentials } from '../../transport/credential-session';
import { loadSchema, type SageSchema } from '../../transport/schema';

/**
 * What one execution (or one list search) of the node talks to Sage with: one client for
 * the `sageErpApi` credential (the token cache behind it is process-wide), the execution's
 * cancel signal on every request, and the tenant's schema from the process-wide cache.
 */
export class SageSession {
	/** This execution's schema request: one per execution, even when it fails. */
	private schemaRequest?: Promise<SageSchema>;

	private constructor(
		readonly client: SageClient,
		readonly signal: AbortSignal | undefined,
	) {}

	static async open(context: IExecuteFunctions | ILoadOptionsFunctions): Promise<SageSession> {
		const data = await context.getCredentials('sageErpApi');
		const client = new SageClient(toSageCredentials(data), {
			credentialGroup: context.getNode().credentials?.sageErpApi?.id ?? undefined,
		});
		// Not every n8n version (nor a list search) offers a cancel signal.
		const signal = 'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
		return new SageSession(client, signal);
	}

	async execute(request: Omit<GraphQLRequest, 'signal'>): Promise<GraphQLResult> {
		return await this.client.execute({ ...request, signal: this.signal });
	}

	async schema(timeoutMs?: number): Promise<SageSchema> {
		this.schemaRequest ??= loadSchema(this.client, { timeoutMs, signal: this.signal });
		return await this.schemaRequest;
	}
}
