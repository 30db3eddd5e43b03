import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { SageClient, type GraphQLRequest, type GraphQLResult } from '../../sage-client/client';
import { toSageCredentials } from '../../sage-client/credential-session';
import type { DownloadedFile } from '../../sage-client/download';
import { schemaCache } from '../../sage-client/process-wide';
import type { SageSchema } from '../../sage-client/schema';
import { n8nTransport } from './transport';

type SageContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/**
 * What one execution, poll or list search talks to Sage with: one client for the
 * `sageErpApi` credential (the token cache behind it is process-wide), sending through
 * this context's n8n HTTP helper, the execution's cancel signal on every request, and
 * the tenant's schema from the process-wide cache.
 */
export class SageSession {
	/** This execution's schema request: one per execution, even when it fails. */
	private schemaRequest?: Promise<SageSchema>;

	private constructor(
		readonly client: SageClient,
		readonly signal: AbortSignal | undefined,
	) {}

	static async open(context: SageContext): Promise<SageSession> {
		const data = await context.getCredentials('sageErpApi');
		const client = new SageClient(toSageCredentials(data), {
			transport: n8nTransport(context, data),
			credentialGroup: context.getNode().credentials?.sageErpApi?.id ?? undefined,
		});
		// Not every n8n version (nor a list search or a poll) offers a cancel signal.
		const signal =
			'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal?.() : undefined;
		return new SageSession(client, signal);
	}

	async execute(request: Omit<GraphQLRequest, 'signal'>): Promise<GraphQLResult> {
		return await this.client.execute({ ...request, signal: this.signal });
	}

	/** A file an answer names, with this execution's token and cancel signal (only from the GraphQL URL's host). */
	async download(url: string, timeoutMs?: number): Promise<DownloadedFile> {
		return await this.client.download({ url, timeoutMs, signal: this.signal });
	}

	async schema(timeoutMs?: number): Promise<SageSchema> {
		this.schemaRequest ??= schemaCache().load(this.client, { timeoutMs, signal: this.signal });
		return await this.schemaRequest;
	}
}
