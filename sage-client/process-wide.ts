import { SchemaCache } from './schema/schema-cache';
import { TokenManager } from './auth/tokens';

/**
 * The one place that builds what a process shares between executions: the token cache
 * (one exchange per credential and token lifetime, not per execution) and the schema
 * cache. Everything else is built per call with its options.
 */
let tokens: TokenManager | undefined;
let schemas: SchemaCache | undefined;

export function tokenManager(): TokenManager {
	tokens ??= new TokenManager();
	return tokens;
}

export function schemaCache(): SchemaCache {
	schemas ??= new SchemaCache();
	return schemas;
}
