import { PageSizeLimits } from './client/page-size-limits';
import { SchemaCache } from './schema/schema-cache';
import { TokenManager } from './auth/tokens';

/**
 * The one place that builds what a process shares between executions: the token cache
 * (one exchange per credential and token lifetime, not per execution), the schema
 * cache and the tenants' page size limits. Everything else is built per call with its options.
 */
let tokens: TokenManager | undefined;
let schemas: SchemaCache | undefined;
let pageSizes: PageSizeLimits | undefined;

export function tokenManager(): TokenManager {
	tokens ??= new TokenManager();
	return tokens;
}

export function schemaCache(): SchemaCache {
	schemas ??= new SchemaCache();
	return schemas;
}

/** What each tenant said about its page size limit when it refused a page. */
export function pageSizeLimits(): PageSizeLimits {
	pageSizes ??= new PageSizeLimits();
	return pageSizes;
}
