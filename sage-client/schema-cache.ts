import { fetchSchema, type GraphQLExecutor, type SageSchema } from './schema';
import { SharedRequest } from './shared-request';

export interface SchemaCacheOptions {
	/** A cached schema older than this is fetched again (Sage upgrades its schema by release). Default 1 h. */
	maxAgeMs?: number;
	now?: () => number;
}

export interface LoadSchemaOptions {
	timeoutMs?: number;
	signal?: AbortSignal;
}

interface CacheEntry {
	request: SharedRequest<SageSchema>;
	settled?: SageSchema;
}

/**
 * Tenants' schemas, per GraphQL URL and tenant. Concurrent callers for one tenant share one
 * introspection request, aborted only when every one of them stopped waiting; a failed or
 * abandoned one is not kept.
 */
export class SchemaCache {
	private readonly entries = new Map<string, CacheEntry>();
	private readonly maxAgeMs: number;
	private readonly now: () => number;

	constructor(options: SchemaCacheOptions = {}) {
		this.maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
		this.now = options.now ?? Date.now;
	}

	async load(client: GraphQLExecutor, options: LoadSchemaOptions = {}): Promise<SageSchema> {
		const key = `${await client.graphqlUrl(options.signal)}#${client.tenantId ?? ''}`;
		const existing = this.entries.get(key);
		const fresh =
			existing && (!existing.settled || this.now() - existing.settled.fetchedAt < this.maxAgeMs);
		if (existing && fresh && !existing.request.abandoned)
			return await existing.request.join(options.signal);
		const entry: CacheEntry = {
			request: new SharedRequest((signal) =>
				fetchSchema(client, { timeoutMs: options.timeoutMs, signal }, this.now()).then(
					(schema) => {
						entry.settled = schema;
						return schema;
					},
					(error: unknown) => {
						if (this.entries.get(key) === entry) this.entries.delete(key);
						return Promise.reject(error);
					},
				),
			),
		};
		this.entries.set(key, entry);
		return await entry.request.join(options.signal);
	}
}
