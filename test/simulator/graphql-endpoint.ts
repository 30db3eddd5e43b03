/**
 * POST /v1/fwd/<tenant>/api once authenticated: parse and validate the
 * document (cached per query text: benchmarks send the same one thousands of
 * times), execute it against the tenant's store, and shape the answer the way
 * Xtrem does: `{ data, errors?, extensions: { diagnoses } }`.
 *
 * Status codes (graphql-over-http, as graphql-js servers answer):
 *  - 400: body not JSON, no `query` string, GraphQL syntax or validation
 *    errors, bad variables / unknown operationName (no `data` at all);
 *  - 200: everything that executed, including business-rule errors, which
 *    come in `errors[]` next to the partial `data`.
 */
import {
	DocumentNode,
	GraphQLError,
	GraphQLSchema,
	Kind,
	OperationDefinitionNode,
	execute,
	parse,
	validate,
} from 'graphql';
import { GqlContext } from './schema';
import { GRAPHQL_LOG_SIZE, Tenant } from './state';
import { SAGE_TIME_LIMIT_MESSAGE, WorkMeter } from './time-limit';

export interface HttpReply {
	status: number;
	body: string;
	/** Wait this long before answering (the scaled cost of the work, time-limit.ts). */
	delayMs?: number;
}

const DOC_CACHE_LIMIT = 500;
// Per schema: a release changes what is valid.
const docCaches = new WeakMap<
	GraphQLSchema,
	Map<string, { doc?: DocumentNode; errors?: readonly GraphQLError[] }>
>();
// Introspection answers of the realistic schema are megabytes: computed once per schema and document.
const introspectionAnswers = new WeakMap<GraphQLSchema, Map<string, string>>();

function prepare(
	schema: GraphQLSchema,
	query: string,
): { doc?: DocumentNode; errors?: readonly GraphQLError[] } {
	let docCache = docCaches.get(schema);
	if (!docCache) docCaches.set(schema, (docCache = new Map()));
	const hit = docCache.get(query);
	if (hit) return hit;
	let entry: { doc?: DocumentNode; errors?: readonly GraphQLError[] };
	try {
		const doc = parse(query);
		const errors = validate(schema, doc);
		entry = errors.length ? { errors } : { doc };
	} catch (e) {
		entry = { errors: [e instanceof GraphQLError ? e : new GraphQLError(String(e))] };
	}
	if (docCache.size >= DOC_CACHE_LIMIT) docCache.clear();
	docCache.set(query, entry);
	return entry;
}

const json = (status: number, body: unknown): HttpReply => ({ status, body: JSON.stringify(body) });

/** The request body, parsed once for both the log and the execution. */
export type ParsedBody = { ok: true; value: unknown } | { ok: false; raw: string };

export function parseBody(raw: string): ParsedBody {
	try {
		return { ok: true, value: JSON.parse(raw) };
	} catch {
		return { ok: false, raw };
	}
}

/** Records the body in the tenant's log (newest last, bounded). A body that is not JSON is logged as the query text. */
export function logRequest(tenant: Tenant, body: ParsedBody): void {
	let entry: { query: unknown; variables: unknown; operationName: unknown } = {
		query: undefined,
		variables: undefined,
		operationName: undefined,
	};
	if (!body.ok) entry.query = body.raw;
	else if (body.value && typeof body.value === 'object') {
		const b = body.value as Record<string, unknown>;
		entry = { query: b.query, variables: b.variables, operationName: b.operationName };
	}
	tenant.log.push(entry);
	if (tenant.log.length > GRAPHQL_LOG_SIZE)
		tenant.log.splice(0, tenant.log.length - GRAPHQL_LOG_SIZE);
}

/** Whether every root field of the document's operations is introspection (`__schema`, `__type`, `__typename`). */
function introspectionOnly(doc: DocumentNode): boolean {
	return doc.definitions.every(
		(d) =>
			d.kind !== Kind.OPERATION_DEFINITION ||
			(d as OperationDefinitionNode).selectionSet.selections.every(
				(s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'),
			),
	);
}

export function runGraphql(
	tenant: Tenant,
	parsed: ParsedBody,
	schema: GraphQLSchema,
	origin?: string,
): HttpReply {
	if (!parsed.ok) return json(400, { errors: [{ message: 'Invalid JSON body.' }] });
	const body = parsed.value;
	if (!body || typeof body !== 'object' || Array.isArray(body))
		return json(400, {
			errors: [{ message: 'The body must be a JSON object {query, variables?, operationName?}.' }],
		});
	const { query, variables, operationName } = body as Record<string, unknown>;
	if (typeof query !== 'string' || !query.trim())
		return json(400, { errors: [{ message: "The body must have a 'query' string." }] });
	if (
		variables !== undefined &&
		variables !== null &&
		(typeof variables !== 'object' || Array.isArray(variables))
	)
		return json(400, { errors: [{ message: "'variables' must be a JSON object." }] });
	if (operationName !== undefined && operationName !== null && typeof operationName !== 'string')
		return json(400, { errors: [{ message: "'operationName' must be a string." }] });

	const prepared = prepare(schema, query);
	if (!prepared.doc) return json(400, { errors: prepared.errors });
	if (introspectionOnly(prepared.doc)) {
		const reply = introspect(schema, prepared.doc, query, variables, operationName);
		tenant.counters.graphqlIntrospections++;
		tenant.counters.introspectionBytes += reply.body.length;
		return reply;
	}

	const ctx: GqlContext = {
		store: tenant.store,
		counters: tenant.counters,
		diagnoses: [],
		origin,
		work: tenant.workCost ? new WorkMeter(tenant.workCost) : undefined,
		maxPageSize: tenant.maxPageSize,
	};
	const result = execute({
		schema,
		document: prepared.doc,
		variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
		operationName: (operationName ?? undefined) as string | undefined,
		contextValue: ctx,
	});
	if ('then' in result) throw new Error('resolvers must be synchronous'); // every resolver here is
	if (!('data' in result) || result.data === undefined) return json(400, { errors: result.errors });
	if (ctx.work?.exceeded) {
		const errors = [{ message: SAGE_TIME_LIMIT_MESSAGE, extensions: { code: 'timeout' } }];
		return {
			...json(200, { data: null, errors, extensions: { diagnoses: [] } }),
			delayMs: ctx.work.delayMs,
		};
	}
	const out: Record<string, unknown> = { data: result.data };
	if (result.errors?.length) out.errors = result.errors;
	out.extensions = { diagnoses: ctx.diagnoses };
	return { ...json(200, out), delayMs: ctx.work?.delayMs };
}

function introspect(
	schema: GraphQLSchema,
	doc: DocumentNode,
	query: string,
	variables: unknown,
	operationName: unknown,
): HttpReply {
	let answers = introspectionAnswers.get(schema);
	if (!answers) introspectionAnswers.set(schema, (answers = new Map()));
	const key = JSON.stringify([query, variables ?? null, operationName ?? null]);
	let body = answers.get(key);
	if (body === undefined) {
		const result = execute({
			schema,
			document: doc,
			variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
			operationName: (operationName ?? undefined) as string | undefined,
		});
		if ('then' in result) throw new Error('introspection must be synchronous');
		if (!result.data) return json(400, { errors: result.errors });
		body = JSON.stringify({ ...result, extensions: { diagnoses: [] } });
		if (answers.size >= DOC_CACHE_LIMIT) answers.clear();
		answers.set(key, body);
	}
	return { status: 200, body };
}
