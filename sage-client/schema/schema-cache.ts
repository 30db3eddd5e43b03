import { TenantSchema } from './tenant-schema';
import type { GraphQLExecutor } from './schema';

export interface SchemaCacheOptions {
	/** A tenant's schema older than this is loaded again (Sage upgrades its schema by release). Default 1 h. */
	maxAgeMs?: number;
	now?: () => number;
}

/**
 * Tenants' schemas, per GraphQL URL and tenant (tenants may share one URL yet differ in
 * schema). Each holds only the types loaded so far (tenant-schema.ts); after `maxAgeMs`, or
 * when Sage refused a document because its schema changed, the tenant starts over.
 */
export class SchemaCache {
	private readonly entries = new Map<string, TenantSchema>();
	private readonly maxAgeMs: number;
	private readonly now: () => number;

	constructor(options: SchemaCacheOptions = {}) {
		this.maxAgeMs = options.maxAgeMs ?? 60 * 60 * 1000;
		this.now = options.now ?? Date.now;
	}

	async tenant(client: GraphQLExecutor, signal?: AbortSignal): Promise<TenantSchema> {
		const key = `${await client.graphqlUrl(signal)}#${client.tenantId ?? ''}`;
		const existing = this.entries.get(key);
		if (existing && this.now() - existing.fetchedAt < this.maxAgeMs) return existing;
		const fresh = new TenantSchema(this.now());
		this.entries.set(key, fresh);
		return fresh;
	}

	/** Forgets what was loaded of this tenant's schema (Sage has shipped a new release): the next use loads it again. */
	forget(schema: TenantSchema): void {
		for (const [key, entry] of this.entries) if (entry === schema) this.entries.delete(key);
	}
}
