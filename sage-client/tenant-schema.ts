import type { IntrospectionType } from 'graphql';

import type { GraphQLExecutor } from './schema';
import { SageSchema } from './schema';
import { SageGraphQLError, SageResponseError } from './errors';
import { SCHEMA_OPERATION, partialSchema, typesQuery, type Roots } from './introspection';
import type { SchemaLookup, SchemaNeeds } from './schema-plans';
import { recordTypeIndexQuery, readRecordTypeIndex } from './record-type-index';
import { SharedRequest } from './shared-request';

export interface SchemaRequestOptions {
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** More rounds than any document's depth needs; a schema that keeps asking is refused. */
const MAX_ROUNDS = 12;
const ROOTS_KEY = '\u0000roots';

/**
 * What this process knows of one tenant's schema: the types loaded so far, by targeted
 * introspection, never the whole schema. Concurrent executions share every request: a
 * type being fetched for one is awaited by the others (the request is aborted only when
 * every one of them stopped waiting), and types are fetched once.
 */
export class TenantSchema implements SchemaLookup {
	roots?: Roots;
	private readonly types = new Map<string, IntrospectionType | null>();
	private readonly pending = new Map<string, SharedRequest<void>>();
	private built?: SageSchema;
	private index?: SharedRequest<string[]>;
	private indexNames?: string[];
	constructor(readonly fetchedAt: number) {}

	type(name: string): IntrospectionType | null | undefined {
		return this.types.get(name);
	}

	/** Loads what `plan` says is missing, round after round, and gives the schema of what is loaded. */
	async load(client: GraphQLExecutor, plan: (lookup: SchemaLookup) => SchemaNeeds, options: SchemaRequestOptions = {}): Promise<SageSchema> {
		for (let round = 0; round < MAX_ROUNDS; round++) {
			const needs = plan(this);
			if (!needs.roots && !needs.missing.length) return this.schema();
			await this.fetch(client, needs, options);
		}
		throw new SageResponseError(`Sage's schema kept naming types that it did not describe after ${MAX_ROUNDS} requests.`);
	}

	/** The schema of every type loaded so far (rebuilt only after new types came in). */
	schema(): SageSchema {
		if (!this.roots) throw new SageResponseError('The schema was used before its root types were loaded.');
		this.built ??= new SageSchema(
			partialSchema(this.roots, [...this.types.values()].filter((type): type is IntrospectionType => type !== null)),
			this.fetchedAt,
			() => this.indexNames,
		);
		return this.built;
	}

	/** Every record type (`package.node`) of the tenant, sorted: one request, kept for the process. */
	async recordTypeNames(client: GraphQLExecutor, options: SchemaRequestOptions = {}): Promise<string[]> {
		if (!this.index || this.index.abandoned) {
			const request = new SharedRequest(async (signal) => {
				const result = await this.send(client, recordTypeIndexQuery(), { ...options, signal });
				this.indexNames = readRecordTypeIndex(result.data);
				this.built = undefined;
				return this.indexNames;
			});
			this.index = request;
			request.promise.catch(() => {
				if (this.index === request) this.index = undefined;
			});
		}
		return await this.index.join(options.signal);
	}

	private async fetch(client: GraphQLExecutor, needs: SchemaNeeds, options: SchemaRequestOptions): Promise<void> {
		const waits: Promise<void>[] = [];
		const fresh: string[] = [];
		const wanted = [...(needs.roots && !this.roots ? [ROOTS_KEY] : []), ...needs.missing, ...needs.guesses];
		for (const name of wanted) {
			if (name !== ROOTS_KEY && this.types.has(name)) continue;
			const pending = this.pending.get(name);
			if (pending && !pending.abandoned) waits.push(pending.join(options.signal));
			else if (!fresh.includes(name)) fresh.push(name);
		}
		// Guesses alone are not worth a request: only what is needed starts one.
		if (fresh.some((name) => name === ROOTS_KEY || needs.missing.includes(name))) {
			const request = new SharedRequest((signal) => this.fetchTypes(client, fresh, { ...options, signal }));
			for (const name of fresh) this.pending.set(name, request);
			waits.push(request.join(options.signal));
		}
		await Promise.all(waits);
	}

	private async fetchTypes(client: GraphQLExecutor, keys: string[], options: SchemaRequestOptions): Promise<void> {
		const names = keys.filter((name) => name !== ROOTS_KEY);
		try {
			const result = await this.send(client, typesQuery(names, keys.includes(ROOTS_KEY)), options);
			const data = result.data ?? {};
			if (keys.includes(ROOTS_KEY)) this.readRoots(data.__schema);
			names.forEach((name, index) => this.types.set(name, (data[`t${index}`] as IntrospectionType | null | undefined) ?? null));
			this.built = undefined;
		} finally {
			for (const key of keys) this.pending.delete(key);
		}
	}

	private readRoots(value: unknown): void {
		const schema = value as { queryType?: IntrospectionType; mutationType?: IntrospectionType | null; directives?: Roots['directives'] } | undefined;
		if (!schema?.queryType?.name) throw new SageResponseError('Sage answered the schema request (introspection) without a query type.');
		this.types.set(schema.queryType.name, schema.queryType);
		if (schema.mutationType?.name) this.types.set(schema.mutationType.name, schema.mutationType);
		this.roots = { query: schema.queryType.name, mutation: schema.mutationType?.name ?? undefined, directives: schema.directives ?? [] };
	}

	private async send(client: GraphQLExecutor, query: string, options: SchemaRequestOptions) {
		const result = await client.execute({ query, operationName: SCHEMA_OPERATION, isMutation: false, timeoutMs: options.timeoutMs, signal: options.signal });
		if (result.errors.length) {
			throw new SageGraphQLError(result.errors, {
				hint: 'Sage refused to describe its schema (introspection); the record operations need it. The GraphQL operations work without it.',
			});
		}
		return result;
	}
}
