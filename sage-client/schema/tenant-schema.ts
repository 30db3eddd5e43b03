import type { IntrospectionType } from 'graphql';

import type { GraphQLExecutor } from './schema';
import { SageSchema } from './schema';
import { SageGraphQLError, SageResponseError } from '../transport/errors';
import { SCHEMA_OPERATION, partialSchema, typesQuery, type Roots } from './introspection';
import type { SchemaLookup, SchemaNeeds } from './schema-plans';
import { readAsyncOperationIndex } from './async-operation-index';
import { recordTypeIndexQuery, readRecordTypeIndex } from './record-type-index';
import { SharedRequest } from '../transport/shared-request';

export interface SchemaRequestOptions {
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** A type's introspection, maybe with its fields' types (`deep`, introspection.ts). */
interface Deep {
	kind: string;
	name?: string | null;
	ofType?: Deep | null;
	deep?: Array<{ type: Deep }> | null;
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
	/** Lists of names found by their own small requests (record types, asynchronous operations), kept for the process. */
	private readonly indexes = new Map<string, SharedRequest<string[]>>();
	private recordTypeList?: string[];
	constructor(readonly fetchedAt: number) {}

	type(name: string): IntrospectionType | null | undefined {
		return this.types.get(name);
	}

	/** Loads what `plan` says is missing, round after round, and gives the schema of what is loaded. */
	async load(
		client: GraphQLExecutor,
		plan: (lookup: SchemaLookup) => SchemaNeeds,
		options: SchemaRequestOptions = {},
	): Promise<SageSchema> {
		for (let round = 0; round < MAX_ROUNDS; round++) {
			const needs = plan(this);
			if (!needs.roots && !needs.missing.length) return this.schema();
			await this.fetch(client, needs, options);
		}
		throw new SageResponseError(
			`Sage's schema kept naming types that it did not describe after ${MAX_ROUNDS} requests.`,
		);
	}

	/** The schema of every type loaded so far (rebuilt only after new types came in). */
	schema(): SageSchema {
		if (!this.roots)
			throw new SageResponseError('The schema was used before its root types were loaded.');
		this.built ??= new SageSchema(
			partialSchema(
				this.roots,
				[...this.types.values()].filter((type): type is IntrospectionType => type !== null),
			),
			this.fetchedAt,
			() => this.recordTypeList,
		);
		return this.built;
	}

	/** Every record type (`package.node`) of the tenant, sorted: one request, kept for the process. */
	async recordTypeNames(
		client: GraphQLExecutor,
		options: SchemaRequestOptions = {},
	): Promise<string[]> {
		return await this.index('recordTypes', options, async (signal) => {
			const result = await this.send(client, recordTypeIndexQuery(), { ...options, signal });
			this.recordTypeList = readRecordTypeIndex(result.data);
			this.built = undefined;
			return this.recordTypeList;
		});
	}

	/** Every asynchronous operation (`package.node.operation`), sorted: a few requests, kept for the process. */
	async asyncOperationNames(
		client: GraphQLExecutor,
		options: SchemaRequestOptions = {},
	): Promise<string[]> {
		return await this.index('asyncOperations', options, async (signal) => {
			const send = async (query: string) =>
				(await this.send(client, query, { ...options, signal })).data;
			return await readAsyncOperationIndex(send);
		});
	}

	/** One shared request per list; a failed or abandoned one is not kept. */
	private async index(
		key: string,
		options: SchemaRequestOptions,
		load: (signal: AbortSignal) => Promise<string[]>,
	): Promise<string[]> {
		let request = this.indexes.get(key);
		if (!request || request.abandoned) {
			const fresh = new SharedRequest(load);
			this.indexes.set(key, fresh);
			fresh.promise.catch(() => {
				if (this.indexes.get(key) === fresh) this.indexes.delete(key);
			});
			request = fresh;
		}
		return await request.join(options.signal);
	}

	private async fetch(
		client: GraphQLExecutor,
		needs: SchemaNeeds,
		options: SchemaRequestOptions,
	): Promise<void> {
		const waits: Promise<void>[] = [];
		const fresh: string[] = [];
		const wanted = [
			...(needs.roots && !this.roots ? [ROOTS_KEY] : []),
			...needs.missing,
			...needs.guesses,
		];
		for (const name of wanted) {
			if (name !== ROOTS_KEY && this.types.has(name)) continue;
			const pending = this.pending.get(name);
			if (pending && !pending.abandoned) waits.push(pending.join(options.signal));
			else if (!fresh.includes(name)) fresh.push(name);
		}
		// Guesses alone are not worth a request: only what is needed starts one.
		if (fresh.some((name) => name === ROOTS_KEY || needs.missing.includes(name))) {
			const expand = new Set(needs.expand ?? []);
			const request = new SharedRequest((signal) =>
				this.fetchTypes(client, fresh, expand, { ...options, signal }),
			);
			for (const name of fresh) this.pending.set(name, request);
			waits.push(request.join(options.signal));
		}
		await Promise.all(waits);
	}

	private async fetchTypes(
		client: GraphQLExecutor,
		keys: string[],
		expand: ReadonlySet<string>,
		options: SchemaRequestOptions,
	): Promise<void> {
		const names = keys.filter((name) => name !== ROOTS_KEY);
		try {
			const query = typesQuery(names, keys.includes(ROOTS_KEY), expand);
			const data = (await this.send(client, query, options)).data ?? {};
			if (keys.includes(ROOTS_KEY)) this.readRoots(data.__schema);
			names.forEach((name, index) => this.keep(name, data[`t${index}`] as Deep | null));
			this.built = undefined;
		} finally {
			for (const key of keys) this.pending.delete(key);
		}
	}

	/** A type as it came, and the types of its fields when it was expanded (never over one loaded already). */
	private keep(name: string, type: Deep | null | undefined): void {
		if (!type) {
			this.types.set(name, null);
			return;
		}
		const { deep, ...own } = type;
		this.types.set(name, own as IntrospectionType);
		for (const field of deep ?? []) {
			let ref: Deep | null | undefined = field.type;
			while (ref && (ref.kind === 'NON_NULL' || ref.kind === 'LIST')) ref = ref.ofType;
			if (!ref?.name || this.types.has(ref.name)) continue;
			const named: Deep = { ...ref };
			delete named.ofType; // the named type itself, as `__type(name:)` would answer it
			this.types.set(ref.name, named as unknown as IntrospectionType);
		}
	}

	private readRoots(value: unknown): void {
		const schema = value as
			| {
					queryType?: IntrospectionType;
					mutationType?: IntrospectionType | null;
					directives?: Roots['directives'];
			  }
			| undefined;
		if (!schema?.queryType?.name)
			throw new SageResponseError(
				'Sage answered the schema request (introspection) without a query type.',
			);
		this.types.set(schema.queryType.name, schema.queryType);
		if (schema.mutationType?.name) this.types.set(schema.mutationType.name, schema.mutationType);
		this.roots = {
			query: schema.queryType.name,
			mutation: schema.mutationType?.name ?? undefined,
			directives: schema.directives ?? [],
		};
	}

	private async send(client: GraphQLExecutor, query: string, options: SchemaRequestOptions) {
		const result = await client.execute({
			query,
			operationName: SCHEMA_OPERATION,
			isMutation: false,
			timeoutMs: options.timeoutMs,
			signal: options.signal,
		});
		if (result.errors.length) {
			throw new SageGraphQLError(result.errors, {
				hint: 'Sage refused to describe its schema (introspection); the record operations need it. The GraphQL operations work without it.',
			});
		}
		return result;
	}
}
