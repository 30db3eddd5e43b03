import type { DocumentNode } from 'graphql';
import type { IExecuteFunctions, ILoadOptionsFunctions, IPollFunctions } from 'n8n-workflow';

import { SageClient } from '../../sage-client/client/client';
import { toSageCredentials } from '../../sage-client/auth/credential-session';
import type { DownloadedFile } from '../../sage-client/client/download';
import type {
	GraphQLErrorEntry,
	GraphQLRequest,
	GraphQLResult,
} from '../../sage-client/transport/graphql';
import { pageSizeLimits, schemaCache, tokenManager } from '../../sage-client/process-wide';
import type { SageSchema } from '../../sage-client/schema/schema';
import { isSchemaChange } from '../../sage-client/schema/schema-change';
import type { AsyncOperationInfo } from '../../sage-client/schema/async-operations';
import type { RecordFields } from '../../sage-client/fields/record-fields';
import {
	fieldsForRecord,
	schemaForAsyncOperation,
	schemaForDocument,
	schemaForRecord,
	type AsyncSchemaNeed,
	type RecordSchemaNeed,
} from '../../sage-client/schema-for';
import type { TenantSchema } from '../../sage-client/schema/tenant-schema';
import { n8nTransport } from '../../n8n-transport/transport';

type SageContext = IExecuteFunctions | ILoadOptionsFunctions | IPollFunctions;

/**
 * What one execution, poll or list search talks to Sage with: one client for the
 * `sageErpApi` credential (the token cache behind it is process-wide), sending through
 * this context's n8n HTTP helper, the execution's cancel signal on every request, and
 * the tenant's schema from the process-wide cache, loaded as far as each document needs.
 */
export class SageSession {
	private tenantRequest?: Promise<TenantSchema>;
	/** A schema request that failed in this execution fails the later items too, without a request each. */
	private schemaFailure?: { error: unknown };
	private refreshed = false;
	private readonly openedAt = Date.now();

	private constructor(
		readonly client: SageClient,
		readonly signal: AbortSignal | undefined,
	) {}

	static async open(context: SageContext): Promise<SageSession> {
		const data = await context.getCredentials('sageErpApi');
		const client = new SageClient(toSageCredentials(data), {
			transport: n8nTransport(context, data),
			credentialGroup: context.getNode().credentials?.sageErpApi?.id ?? undefined,
			tokens: tokenManager(),
			pageSizeLimits: pageSizeLimits(),
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

	/** The schema with what the record type's documents need (its Fields included). */
	async recordSchema(need: RecordSchemaNeed, timeoutMs?: number): Promise<SageSchema> {
		return await this.loading(
			async (tenant) =>
				await schemaForRecord(tenant, this.client, need, { timeoutMs, signal: this.signal }),
		);
	}

	/** The record type's fields (kinds, labels, required, references, enums) for panels, filters and Describe. */
	async recordFields(recordType: string, timeoutMs?: number): Promise<RecordFields> {
		return await this.loading(
			async (tenant) =>
				await fieldsForRecord(tenant, this.client, recordType, { timeoutMs, signal: this.signal }),
		);
	}

	/** The schema with what a user's document needs, to check it before sending. */
	async documentSchema(document: DocumentNode, timeoutMs?: number): Promise<SageSchema> {
		return await this.loading(
			async (tenant) =>
				await schemaForDocument(tenant, this.client, document, { timeoutMs, signal: this.signal }),
		);
	}

	/** The schema with what an asynchronous operation's documents need, and the operation in it. */
	async asyncOperationSchema(
		need: AsyncSchemaNeed,
		timeoutMs?: number,
	): Promise<{ schema: SageSchema; info: AsyncOperationInfo }> {
		return await this.loading(
			async (tenant) =>
				await schemaForAsyncOperation(tenant, this.client, need, {
					timeoutMs,
					signal: this.signal,
				}),
		);
	}

	/** Every asynchronous operation of the tenant (`package.node.operation`), sorted. */
	async asyncOperationNames(): Promise<string[]> {
		return await this.loading(
			async (tenant) => await tenant.asyncOperationNames(this.client, { signal: this.signal }),
		);
	}

	/** Every record type of the tenant (`package.node`), sorted. */
	async recordTypeNames(): Promise<string[]> {
		return await this.loading(
			async (tenant) => await tenant.recordTypeNames(this.client, { signal: this.signal }),
		);
	}

	/**
	 * Whether Sage refused a document because its schema changed since this process loaded
	 * it (a new release): the loaded schema is then forgotten, once per execution, and the
	 * caller builds the document again from the schema as it is now.
	 */
	async schemaChanged(errors: readonly GraphQLErrorEntry[]): Promise<boolean> {
		if (this.refreshed || !isSchemaChange(errors) || !this.tenantRequest) return false;
		const tenant = await this.tenantRequest;
		if (tenant.fetchedAt >= this.openedAt) return false; // loaded by this execution: it is current
		this.refreshed = true;
		schemaCache().forget(tenant);
		this.tenantRequest = undefined;
		return true;
	}

	private async loading<T>(load: (tenant: TenantSchema) => Promise<T>): Promise<T> {
		if (this.schemaFailure) return await Promise.reject(this.schemaFailure.error);
		this.tenantRequest ??= schemaCache().tenant(this.client, this.signal);
		return await this.tenantRequest.then(load).catch((error: unknown) => {
			if ((error as { code?: string }).code !== 'SAGE_CONFIG') this.schemaFailure = { error };
			return Promise.reject(error);
		});
	}
}
