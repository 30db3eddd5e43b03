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
import { DocumentNode, GraphQLError, execute, parse, validate } from 'graphql';
import { GqlContext, getSchema } from './schema';
import { GRAPHQL_LOG_SIZE, Tenant } from './state';

export interface HttpReply {
	status: number;
	body: string;
}

const DOC_CACHE_LIMIT = 500;
const docCache = new Map<string, { doc?: DocumentNode; errors?: readonly GraphQLError[] }>();

function prepare(query: string): { doc?: DocumentNode; errors?: readonly GraphQLError[] } {
	const hit = docCache.get(query);
	if (hit) return hit;
	let entry: { doc?: DocumentNode; errors?: readonly GraphQLError[] };
	try {
		const doc = parse(query);
		const errors = validate(getSchema(), doc);
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

export function runGraphql(tenant: Tenant, parsed: ParsedBody, origin?: string): HttpReply {
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

	const prepared = prepare(query);
	if (!prepared.doc) return json(400, { errors: prepared.errors });

	const ctx: GqlContext = { store: tenant.store, counters: tenant.counters, diagnoses: [], origin };
	const result = execute({
		schema: getSchema(),
		document: prepared.doc,
		variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
		operationName: (operationName ?? undefined) as string | undefined,
		contextValue: ctx,
	});
	if ('then' in result) throw new Error('resolvers must be synchronous'); // every resolver here is
	if (!('data' in result) || result.data === undefined) return json(400, { errors: result.errors });
	const out: Record<string, unknown> = { data: result.data };
	if (result.errors?.length) out.errors = result.errors;
	out.extensions = { diagnoses: ctx.diagnoses };
	return json(200, out);
}
