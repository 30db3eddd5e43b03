/**
 * The GraphQL schema, generated as SDL from the model (so introspection shows
 * exactly what the simulator accepts) and wired to resolvers. One schema
 * serves every simulator instance: resolvers find the tenant in the context.
 *
 * Naming (Xtrem-like): node `Customer`, `Customer_Connection`, `Customer_Edge`,
 * `Customer_Query` (query/read/readAggregate/queryAggregate), `Customer_Mutation`
 * (create/update/delete), `Customer_Input`, `Customer_Aggregate`, collections
 * `SalesOrderLine_Collection`; packages `XtremMasterData_Query` /
 * `XtremMasterData_Mutation`.
 */
import {
	GraphQLError,
	GraphQLObjectType,
	GraphQLResolveInfo,
	GraphQLScalarType,
	GraphQLSchema,
	Kind,
	SelectionSetNode,
	buildSchema,
	responsePathAsArray,
} from 'graphql';
import { Counters, MutationKind, countMutation } from './counters';
import { Comparable, FilterError, SortKey, compareKeys } from './filter';
import { NODES, NodeDef, PropDef, Rec, nodeDef } from './model';
import { WorkMeter, storedName } from './time-limit';
import { BusinessError, Diagnosis, createRecord, deleteRecord, updateRecord } from './rules';
import { asyncReportSdl, wireAsyncReports } from './async-report';
import { wireBulkUpdate } from './bulk-update';
import { QueryResult, TenantStore, roundDecimal } from './store';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 1000;

export interface GqlContext {
	store: TenantStore;
	counters: Counters;
	diagnoses: Diagnosis[];
	/** `http://host:port` the request came to, for absolute URLs in answers (report downloads). */
	origin?: string;
	/** Sage's 28-second limit, when the tenant simulates the cost of work (time-limit.ts). */
	work?: WorkMeter;
	/** The tenant's largest `first`, when set lower than MAX_PAGE_SIZE (Sage's real maximum is undocumented). */
	maxPageSize?: number;
}

// ------------------------------------------------------------ SDL

const typeCap = (s: string): string => s[0].toUpperCase() + s.slice(1);

function outputType(p: PropDef): string {
	switch (p.kind) {
		case 'id':
			return 'String!';
		case 'string':
			return 'String';
		case 'datetime':
			return 'Datetime';
		case 'boolean':
			return 'Boolean';
		case 'int':
			return 'Int';
		case 'decimal':
			return 'Decimal';
		case 'date':
			return 'Date';
		case 'enum':
			return p.enumType!;
		case 'reference':
			return nodeDef(p.target!).typeName;
		case 'collection':
			return `${nodeDef(p.target!).typeName}_Collection`;
	}
}

function inputType(p: PropDef): string | null {
	if (p.readOnly || p.kind === 'id' || p.kind === 'datetime') return null;
	switch (p.kind) {
		case 'reference':
			return 'String'; // '#naturalKey' or '_id'
		case 'collection':
			return `[${nodeDef(p.target!).typeName}_Input!]`;
		default:
			return outputType(p);
	}
}

/** Aggregate value type per property kind (null: not aggregated). */
function aggregateType(p: PropDef): string | null {
	switch (p.kind) {
		case 'decimal':
			return 'Decimal_AggregateValues';
		case 'int':
			return 'Int_AggregateValues';
		case 'string':
		case 'enum':
		case 'datetime':
			return 'String_AggregateValues';
		case 'boolean':
			return 'Boolean_AggregateValues';
		case 'date':
			return 'Date_AggregateValues';
		default:
			return null;
	}
}

const PAGE_ARGS =
	'filter: String, orderBy: String, first: Int, after: String, last: Int, before: String';

/** Package names in schema order. */
const packagesOf = (nodes: NodeDef[]): string[] => [...new Set(nodes.map((n) => n.pkg))];

/** The SDL of the given node types: the hand-written ones by default, the realistic schema's with schema-versions.ts. */
export function buildSdl(nodes: NodeDef[] = NODES): string {
	const PACKAGES = packagesOf(nodes);
	const out: string[] = [];
	out.push(
		'"A decimal number. Serialized as a string (e.g. \\"1250.5\\") to keep its precision; input accepts a JSON number or a numeric string."',
	);
	out.push('scalar Decimal');
	out.push('"A calendar date, \'YYYY-MM-DD\'."');
	out.push('scalar Date');
	out.push('"A date and time, ISO 8601 with milliseconds and Z (\'2026-01-03T10:00:00.000Z\')."');
	out.push('scalar Datetime');
	const enums = new Map<string, string[]>();
	for (const d of nodes)
		for (const p of d.props) if (p.kind === 'enum') enums.set(p.enumType!, p.enumValues!);
	for (const [name, values] of enums) out.push(`enum ${name} {\n  ${values.join('\n  ')}\n}`);
	out.push(
		'type PageInfo {\n  startCursor: String\n  endCursor: String\n  hasPreviousPage: Boolean!\n  hasNextPage: Boolean!\n}',
	);
	out.push(
		'type Decimal_AggregateValues {\n  min: Decimal\n  max: Decimal\n  sum: String\n  avg: String\n  count: Int\n  distinctCount: Int\n}',
	);
	out.push(
		'type Int_AggregateValues {\n  min: Int\n  max: Int\n  sum: String\n  avg: String\n  count: Int\n  distinctCount: Int\n}',
	);
	out.push(
		'type String_AggregateValues {\n  min: String\n  max: String\n  count: Int\n  distinctCount: Int\n}',
	);
	out.push(
		'type Boolean_AggregateValues {\n  min: Boolean\n  max: Boolean\n  count: Int\n  distinctCount: Int\n}',
	);
	out.push(
		'type Date_AggregateValues {\n  min: Date\n  max: Date\n  count: Int\n  distinctCount: Int\n}',
	);

	for (const d of nodes) {
		const t = d.typeName;
		// The natural key in the type's description: how the node learns it (sage-client/natural-key.ts).
		out.push(
			`${JSON.stringify(`Natural key: ${d.naturalKey.join('|')}`)}\ntype ${t} {\n${d.props.map((p) => `  ${p.name}: ${outputType(p)}`).join('\n')}\n}`,
		);
		out.push(`type ${t}_Edge {\n  cursor: String!\n  node: ${t}!\n}`);
		out.push(
			`type ${t}_Connection {\n  totalCount: Int!\n  pageInfo: PageInfo!\n  edges: [${t}_Edge!]!\n}`,
		);
		const aggs = d.props.filter((p) => aggregateType(p) && p.name !== '_customData');
		out.push(
			`type ${t}_Aggregate {\n${aggs.map((p) => `  ${p.name}: ${aggregateType(p)}`).join('\n')}\n}`,
		);
		const groupable = d.props.filter(
			(p) => p.kind !== 'collection' && p.name !== '_customData' && p.name !== '_id',
		);
		out.push(
			`type ${t}_AggregateGroup {\n${groupable.map((p) => `  ${p.name}: ${outputType(p).replace(/!$/, '')}`).join('\n')}\n}`,
		);
		out.push(
			`type ${t}_AggregateNode {\n  group: ${t}_AggregateGroup!\n  values: ${t}_Aggregate!\n}`,
		);
		out.push(`type ${t}_AggregateEdge {\n  cursor: String!\n  node: ${t}_AggregateNode!\n}`);
		out.push(
			`type ${t}_AggregateConnection {\n  pageInfo: PageInfo!\n  edges: [${t}_AggregateEdge!]!\n}`,
		);
		out.push(
			`type ${t}_Query {\n  query(${PAGE_ARGS}): ${t}_Connection!\n  read(_id: String!): ${t}\n  readAggregate(filter: String): ${t}_Aggregate\n  queryAggregate(filter: String, first: Int, after: String): ${t}_AggregateConnection!\n}`,
		);
		out.push(
			`type ${t}_Collection {\n  query(${PAGE_ARGS}): ${t}_Connection!\n  readAggregate(filter: String): ${t}_Aggregate\n}`,
		);
		const inputs = d.props.map((p) => [p.name, inputType(p)]).filter(([, ty]) => ty) as [
			string,
			string,
		][];
		const extra = d.recordType === 'xtremSales.salesOrderLine' ? '  _action: String\n' : '';
		out.push(
			`input ${t}_Input {\n  _id: String\n${extra}${inputs.map(([n, ty]) => `${d.propMap.get(n)?.required ? '  "Required on create."\n' : ''}  ${n}: ${ty}`).join('\n')}\n}`,
		);
		if (d.mutable)
			out.push(
				`type ${t}_Mutation {\n  create(data: ${t}_Input!): ${t}\n  update(data: ${t}_Input!): ${t}\n  delete(_id: String!): Int\n  bulkUpdate(filter: String, data: ${t}_Input!): Boolean\n}`,
			);
	}
	for (const pkg of PACKAGES) {
		const inPackage = nodes.filter((d) => d.pkg === pkg);
		out.push(
			`type ${typeCap(pkg)}_Query {\n${inPackage.map((d) => `  ${d.node}: ${d.typeName}_Query`).join('\n')}\n}`,
		);
		const mutable = inPackage.filter((d) => d.mutable);
		if (mutable.length)
			out.push(
				`type ${typeCap(pkg)}_Mutation {\n${mutable.map((d) => `  ${d.node}: ${d.typeName}_Mutation`).join('\n')}\n}`,
			);
	}
	out.push(`type Query {\n${PACKAGES.map((p) => `  ${p}: ${typeCap(p)}_Query`).join('\n')}\n}`);
	const mutPkgs = PACKAGES.filter((p) => nodes.some((d) => d.pkg === p && d.mutable));
	out.push(
		`type Mutation {\n${mutPkgs.map((p) => `  ${p}: ${typeCap(p)}_Mutation`).join('\n')}\n}`,
	);
	out.push(asyncReportSdl());
	return out.join('\n\n') + '\n';
}

// ------------------------------------------------------------ helpers

function gqlError(e: unknown): never {
	if (e instanceof BusinessError)
		throw new GraphQLError(e.message, { extensions: { code: e.code } });
	if (e instanceof FilterError)
		throw new GraphQLError(e.message, { extensions: { code: 'invalid-argument' } });
	throw e;
}

function argError(message: string): never {
	throw new GraphQLError(message, { extensions: { code: 'invalid-argument' } });
}

const iso = (ms: unknown): string | null =>
	typeof ms === 'number' ? new Date(ms).toISOString() : null;

export function formatDecimal(n: number): string {
	return String(roundDecimal(n));
}

// ------------------------------------------------------------ pagination

interface PageArgs {
	filter?: string | null;
	orderBy?: string | null;
	first?: number | null;
	after?: string | null;
	last?: number | null;
	before?: string | null;
}

interface Connection {
	def: NodeDef;
	result: QueryResult;
	start: number;
	end: number;
}

function checkCount(name: string, n: number | null | undefined): void {
	if (n === null || n === undefined) return;
	if (n < 0 || n > MAX_PAGE_SIZE)
		argError(
			`Invalid value for '${name}': ${n}. It must be between 0 and ${MAX_PAGE_SIZE} (the maximum page size is ${MAX_PAGE_SIZE}).`,
		);
}

/** The tenant's own maximum page size, refused as a Sage tenant refuses it. */
function checkPageSize(ctx: GqlContext, first: number | null | undefined): void {
	if (ctx.maxPageSize !== undefined && typeof first === 'number' && first > ctx.maxPageSize)
		argError(`The page size (first) cannot exceed ${ctx.maxPageSize}.`);
}

/** A cursor is the JSON array of the row's sort key values, _id last as a string: it always holds double quotes. */
function encodeCursor(keys: SortKey[], key: Comparable[]): string {
	return JSON.stringify(key.map((v, i) => (keys[i].kind === 'id' ? String(v) : v)));
}

function decodeCursor(keys: SortKey[], text: string, argName: string): Comparable[] {
	const fail = (): never =>
		argError(
			`Invalid cursor in '${argName}': ${JSON.stringify(text)} is not a cursor of this query (same record type and orderBy).`,
		);
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return fail();
	}
	if (!Array.isArray(parsed) || parsed.length !== keys.length) return fail();
	return parsed.map((v, i) => {
		const kind = keys[i].kind;
		if (kind === 'id') {
			if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
			if (typeof v === 'number' && Number.isInteger(v)) return v;
			return fail();
		}
		if (v === null) return null;
		const want =
			kind === 'string' || kind === 'enum' || kind === 'date'
				? 'string'
				: kind === 'boolean'
					? 'boolean'
					: 'number';
		if (typeof v !== want) return fail();
		return v as Comparable;
	});
}

/** First index whose key is strictly greater (after) / greater-or-equal (before) than `key`: binary search. */
function bound(result: QueryResult, key: Comparable[], strict: boolean): number {
	let lo = 0;
	let hi = result.keys.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		const c = compareKeys(result.sortKeys, result.keys[mid], key);
		if (c < 0 || (strict && c === 0)) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

function paginate(def: NodeDef, result: QueryResult, args: PageArgs): Connection {
	checkCount('first', args.first);
	checkCount('last', args.last);
	let start = 0;
	let end = result.ids.length;
	if (args.after !== null && args.after !== undefined)
		start = bound(result, decodeCursor(result.sortKeys, args.after, 'after'), true);
	if (args.before !== null && args.before !== undefined)
		end = Math.max(
			start,
			bound(result, decodeCursor(result.sortKeys, args.before, 'before'), false),
		);
	const first =
		args.first ?? (args.last === null || args.last === undefined ? DEFAULT_PAGE_SIZE : null);
	if (first !== null) end = Math.min(end, start + first);
	if (args.last !== null && args.last !== undefined) start = Math.max(start, end - args.last);
	return { def, result, start, end };
}

// ------------------------------------------------------------ aggregates

interface AggregateSource {
	def: NodeDef;
	recs: () => Iterable<Rec>;
}

function aggregate(src: AggregateSource, prop: PropDef): Record<string, unknown> {
	let min: unknown = null;
	let max: unknown = null;
	let sum = 0;
	let count = 0;
	const distinct = new Set<unknown>();
	for (const r of src.recs()) {
		const v = r[storedName(prop)];
		if (v === null || v === undefined) continue;
		count++;
		distinct.add(v);
		if (min === null || (v as number) < (min as number)) min = v;
		if (max === null || (v as number) > (max as number)) max = v;
		if (typeof v === 'number') sum += v;
	}
	const numeric = prop.kind === 'decimal' || prop.kind === 'int';
	const fmt = (v: unknown): unknown => (prop.kind === 'datetime' ? iso(v) : v);
	return {
		min: fmt(min),
		max: fmt(max),
		sum: numeric && count ? formatDecimal(sum) : null,
		avg: numeric && count ? formatDecimal(sum / count) : null,
		count,
		distinctCount: distinct.size,
	};
}

// ------------------------------------------------------------ resolvers

/** Property names selected under `edges { node { group { ... } } }` (fragments followed), in selection order. */
function selectedGroupFields(info: GraphQLResolveInfo): string[] {
	const names: string[] = [];
	const children = (set: SelectionSetNode | undefined, field: string): SelectionSetNode[] => {
		const out: SelectionSetNode[] = [];
		const walk = (ss: SelectionSetNode | undefined): void => {
			for (const sel of ss?.selections ?? []) {
				if (sel.kind === Kind.FIELD && sel.name.value === field && sel.selectionSet)
					out.push(sel.selectionSet);
				else if (sel.kind === Kind.INLINE_FRAGMENT) walk(sel.selectionSet);
				else if (sel.kind === Kind.FRAGMENT_SPREAD)
					walk(info.fragments[sel.name.value]?.selectionSet);
			}
		};
		walk(set);
		return out;
	};
	const collect = (ss: SelectionSetNode): void => {
		for (const sel of ss.selections) {
			if (
				sel.kind === Kind.FIELD &&
				!sel.name.value.startsWith('__') &&
				!names.includes(sel.name.value)
			)
				names.push(sel.name.value);
			else if (sel.kind === Kind.INLINE_FRAGMENT) collect(sel.selectionSet);
			else if (sel.kind === Kind.FRAGMENT_SPREAD && info.fragments[sel.name.value])
				collect(info.fragments[sel.name.value].selectionSet);
		}
	};
	for (const top of info.fieldNodes)
		for (const edges of children(top.selectionSet, 'edges'))
			for (const node of children(edges, 'node'))
				for (const group of children(node, 'group')) collect(group);
	return names;
}

function recsOf(store: TenantStore, def: NodeDef, ids: number[]): () => Iterable<Rec> {
	return function* () {
		for (const id of ids) {
			const r = store.getRecord(def.recordType, id);
			if (r) yield r;
		}
	};
}

interface CollectionParent {
	parentDef: NodeDef;
	prop: PropDef;
	parentId: number;
}

function wireResolvers(schema: GraphQLSchema, nodes: NodeDef[]): void {
	const obj = (name: string): GraphQLObjectType => schema.getType(name) as GraphQLObjectType;
	const marker = (): Record<string, never> => ({});

	const query = obj('Query').getFields();
	const mutation = obj('Mutation').getFields();
	for (const pkg of packagesOf(nodes)) {
		query[pkg].resolve = marker;
		if (mutation[pkg]) mutation[pkg].resolve = marker;
	}

	for (const def of nodes) {
		const t = def.typeName;
		obj(`${typeCap(def.pkg)}_Query`).getFields()[def.node].resolve = () => def;
		if (def.mutable) obj(`${typeCap(def.pkg)}_Mutation`).getFields()[def.node].resolve = () => def;

		// Node fields: format system values, follow references, open collections.
		const nodeFields = obj(t).getFields();
		for (const p of def.props) {
			const f = nodeFields[p.name];
			if (p.name === '_id') f.resolve = (r: Rec) => String(r._id);
			else if (p.kind === 'datetime') f.resolve = (r: Rec) => iso(r[storedName(p)]);
			else if (p.kind === 'reference')
				f.resolve = (r: Rec, _a, ctx: GqlContext) => {
					const id = r[storedName(p)] as number | null | undefined;
					return id === null || id === undefined
						? null
						: (ctx.store.getRecord(p.target!, id) ?? null);
				};
			else if (p.kind === 'collection')
				f.resolve = (r: Rec): CollectionParent => ({ parentDef: def, prop: p, parentId: r._id });
			else f.resolve = (r: Rec) => r[storedName(p)] ?? null;
		}

		// Connections and edges.
		const conn = obj(`${t}_Connection`).getFields();
		conn.totalCount.resolve = (c: Connection) => c.result.ids.length;
		conn.pageInfo.resolve = (c: Connection) => c;
		conn.edges.resolve = (c: Connection, _a, ctx: GqlContext, info: GraphQLResolveInfo) => {
			ctx.work?.rows(c.end - c.start, info);
			const edges: { rec: Rec; key: Comparable[]; keys: SortKey[] }[] = [];
			for (let i = c.start; i < c.end; i++) {
				const rec = ctx.store.getRecord(def.recordType, c.result.ids[i]);
				if (rec) edges.push({ rec, key: c.result.keys[i], keys: c.result.sortKeys });
			}
			return edges;
		};
		const edge = obj(`${t}_Edge`).getFields();
		edge.cursor.resolve = (e: { key: Comparable[]; keys: SortKey[] }) =>
			encodeCursor(e.keys, e.key);
		edge.node.resolve = (e: { rec: Rec }) => e.rec;

		// Aggregates: each selected property is computed in one pass over the filtered rows.
		const agg = obj(`${t}_Aggregate`).getFields();
		for (const name of Object.keys(agg))
			agg[name].resolve = (src: AggregateSource) => aggregate(src, def.propMap.get(name)!);

		// query / read / readAggregate on the package.
		const q = obj(`${t}_Query`).getFields();
		q.query.resolve = (_s, args: PageArgs, ctx: GqlContext) => {
			try {
				checkPageSize(ctx, args.first);
				return paginate(def, ctx.store.query(def.recordType, args.filter, args.orderBy), args);
			} catch (e) {
				return gqlError(e);
			}
		};
		q.read.resolve = (_s, args: { _id: string }, ctx: GqlContext, info: GraphQLResolveInfo) => {
			ctx.work?.read(info);
			const text = args._id;
			if (!text.startsWith('#') && !/^\d+$/.test(text))
				argError(
					`Invalid _id '${text}': expected an integer _id or '#' followed by the natural key.`,
				);
			if (text.startsWith('#') && text.slice(1).split('|').length !== def.naturalKey.length)
				argError(
					`Invalid natural key '${text}': ${t} has a natural key of ${def.naturalKey.length} part(s) (${def.naturalKey.join('|')}).`,
				);
			const id = ctx.store.resolveRef(def.recordType, text);
			return id === undefined ? null : (ctx.store.getRecord(def.recordType, id) ?? null);
		};
		q.readAggregate.resolve = (
			_s,
			args: { filter?: string | null },
			ctx: GqlContext,
		): AggregateSource => {
			try {
				const result = ctx.store.query(def.recordType, args.filter, null);
				return { def, recs: recsOf(ctx.store, def, result.ids) };
			} catch (e) {
				return gqlError(e);
			}
		};

		// queryAggregate: groups by the properties selected under edges.node.group, values per group.
		q.queryAggregate.resolve = (
			_s,
			args: { filter?: string | null; first?: number | null; after?: string | null },
			ctx: GqlContext,
			info: GraphQLResolveInfo,
		) => {
			try {
				checkCount('first', args.first);
				checkPageSize(ctx, args.first);
				const by = selectedGroupFields(info);
				const result = ctx.store.query(def.recordType, args.filter, null);
				const groups = new Map<string, { key: Comparable[]; ids: number[] }>();
				for (const id of result.ids) {
					const rec = ctx.store.getRecord(def.recordType, id)!;
					const key = by.map(
						(name) => (rec[storedName(def.propMap.get(name)!)] ?? null) as Comparable,
					);
					const k = JSON.stringify(key);
					const g = groups.get(k);
					if (g) g.ids.push(id);
					else groups.set(k, { key, ids: [id] });
				}
				const keys: SortKey[] = by.map((name) => ({
					path: name,
					dir: 1,
					kind: def.propMap.get(name)!.kind,
					get: () => null,
				}));
				const sorted = [...groups.values()].sort((a, b) => compareKeys(keys, a.key, b.key));
				let start = 0;
				if (args.after !== null && args.after !== undefined) {
					let after: unknown;
					try {
						after = JSON.parse(args.after);
					} catch {
						after = undefined;
					}
					if (!Array.isArray(after) || after.length !== by.length)
						argError(
							`Invalid cursor in 'after': ${JSON.stringify(args.after)} is not a cursor of this aggregate query.`,
						);
					while (
						start < sorted.length &&
						compareKeys(keys, sorted[start].key, after as Comparable[]) <= 0
					)
						start++;
				}
				const end = Math.min(sorted.length, start + (args.first ?? DEFAULT_PAGE_SIZE));
				const page = sorted.slice(start, end);
				const edges = page.map((g) => {
					const group: Record<string, unknown> = {};
					by.forEach((name, i) => (group[name] = g.key[i]));
					return {
						cursor: JSON.stringify(g.key),
						node: { group, values: { def, recs: recsOf(ctx.store, def, g.ids) } },
					};
				});
				return {
					edges,
					pageInfo: {
						startCursor: edges[0]?.cursor ?? null,
						endCursor: edges[edges.length - 1]?.cursor ?? null,
						hasPreviousPage: start > 0,
						hasNextPage: end < sorted.length,
					},
				};
			} catch (e) {
				return gqlError(e);
			}
		};
		const groupFields = obj(`${t}_AggregateGroup`).getFields();
		for (const p of def.props) {
			const f = groupFields[p.name];
			if (!f) continue;
			f.resolve = nodeFields[p.name].resolve;
		}

		// A nested collection (salesOrder.lines): children of one parent, small, sorted on demand.
		const coll = obj(`${t}_Collection`).getFields();
		coll.query.resolve = (src: CollectionParent, args: PageArgs, ctx: GqlContext) => {
			try {
				checkPageSize(ctx, args.first);
				checkPageSize(ctx, args.first);
				const children = ctx.store.children(src.parentDef.recordType, src.prop, src.parentId);
				return paginate(
					def,
					ctx.store.sortRecords(def.recordType, children, args.filter, args.orderBy ?? null),
					args,
				);
			} catch (e) {
				return gqlError(e);
			}
		};
		coll.readAggregate.resolve = (
			src: CollectionParent,
			args: { filter?: string | null },
			ctx: GqlContext,
		): AggregateSource => {
			try {
				const children = ctx.store.children(src.parentDef.recordType, src.prop, src.parentId);
				const result = ctx.store.sortRecords(def.recordType, children, args.filter, null);
				return { def, recs: recsOf(ctx.store, def, result.ids) };
			} catch (e) {
				return gqlError(e);
			}
		};

		if (!def.mutable) continue;
		const m = obj(`${t}_Mutation`).getFields();
		const mutate =
			<A>(
				kind: MutationKind,
				run: (
					ctx: GqlContext,
					args: A,
					warn: (msg: string, sub?: (string | number)[]) => void,
				) => unknown,
			) =>
			(_s: unknown, args: A, ctx: GqlContext, info: GraphQLResolveInfo) => {
				const path = responsePathAsArray(info.path);
				const pending: Diagnosis[] = [];
				try {
					ctx.work?.mutation(args); // past Sage's time limit, nothing more is applied
					const out = run(ctx, args, (message, sub = []) =>
						pending.push({ severity: 'warning', message, path: [...path, ...sub] }),
					);
					countMutation(ctx.counters, def.recordType, kind);
					ctx.diagnoses.push(...pending); // warnings only for what was applied
					return out;
				} catch (e) {
					ctx.counters.mutationsRefused[kind]++;
					return gqlError(e);
				}
			};
		// The rules work on the stored node type: a release's renamed fields are written under their stored names.
		const stored = nodeDef(def.recordType);
		m.create.resolve = mutate<{ data: Record<string, unknown> }>('create', (ctx, a, warn) =>
			createRecord(ctx.store, stored, toStored(def, a.data), warn),
		);
		m.update.resolve = mutate<{ data: Record<string, unknown> }>('update', (ctx, a, warn) =>
			updateRecord(ctx.store, stored, toStored(def, a.data), warn),
		);
		m.delete.resolve = mutate<{ _id: string }>('delete', (ctx, a) =>
			deleteRecord(ctx.store, stored, a._id),
		);
	}

	// PageInfo of a node connection is computed from the Connection; an aggregate connection hands a plain object.
	const pageInfo = obj('PageInfo').getFields();
	const isConn = (c: unknown): c is Connection =>
		typeof c === 'object' && c !== null && 'result' in c;
	pageInfo.startCursor.resolve = (c: Connection | Record<string, unknown>) =>
		isConn(c)
			? c.end > c.start
				? encodeCursor(c.result.sortKeys, c.result.keys[c.start])
				: null
			: c.startCursor;
	pageInfo.endCursor.resolve = (c: Connection | Record<string, unknown>) =>
		isConn(c)
			? c.end > c.start
				? encodeCursor(c.result.sortKeys, c.result.keys[c.end - 1])
				: null
			: c.endCursor;
	pageInfo.hasNextPage.resolve = (c: Connection | Record<string, unknown>) =>
		isConn(c) ? c.end < c.result.ids.length : c.hasNextPage;
	pageInfo.hasPreviousPage.resolve = (c: Connection | Record<string, unknown>) =>
		isConn(c) ? c.start > 0 : c.hasPreviousPage;
}

// ------------------------------------------------------------ scalars

function wireScalars(schema: GraphQLSchema): void {
	const decimal = schema.getType('Decimal') as GraphQLScalarType;
	const toNumber = (v: unknown): number => {
		const n =
			typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
		if (!Number.isFinite(n))
			throw new GraphQLError(
				`Decimal cannot represent ${JSON.stringify(v)}: expected a number or a numeric string.`,
			);
		return n;
	};
	decimal.serialize = (v: unknown) => (typeof v === 'number' ? formatDecimal(v) : String(v));
	decimal.parseValue = toNumber;
	decimal.parseLiteral = (ast) => {
		if (ast.kind === Kind.INT || ast.kind === Kind.FLOAT || ast.kind === Kind.STRING)
			return toNumber(ast.kind === Kind.STRING ? ast.value : Number(ast.value));
		throw new GraphQLError('Decimal expects a number or a numeric string.');
	};
	const date = schema.getType('Date') as GraphQLScalarType;
	const toDate = (v: unknown): string => {
		if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v))
			throw new GraphQLError(`Date cannot represent ${JSON.stringify(v)}: expected 'YYYY-MM-DD'.`);
		return v;
	};
	date.serialize = (v: unknown) => v;
	date.parseValue = toDate;
	date.parseLiteral = (ast) => {
		if (ast.kind !== Kind.STRING) throw new GraphQLError("Date expects a string 'YYYY-MM-DD'.");
		return toDate(ast.value);
	};
}

/** Mutation input with a release's renamed fields under their stored names. */
function toStored(def: NodeDef, data: Record<string, unknown>): Record<string, unknown> {
	const renamed = def.props.filter((p) => storedName(p) !== p.name && p.name in data);
	if (!renamed.length) return data;
	const out = { ...data };
	for (const p of renamed) {
		out[storedName(p)] = out[p.name];
		delete out[p.name];
	}
	return out;
}

let cached: GraphQLSchema | null = null;

/** A schema of these node types, wired to the store (the realistic and released ones: schema-versions.ts). */
export function buildSchemaOf(nodes: NodeDef[]): GraphQLSchema {
	// The default schema is checked as it is built; a generated one is the same SDL, larger (seconds to check).
	const generated = nodes !== NODES;
	const schema = buildSchema(buildSdl(nodes), {
		assumeValidSDL: generated,
		assumeValid: generated,
	});
	wireScalars(schema);
	wireResolvers(schema, nodes);
	wireBulkUpdate(schema, nodes);
	wireAsyncReports(schema);
	return schema;
}

/** The default schema of the hand-written node types (built once per process). */
export function getSchema(): GraphQLSchema {
	cached ??= buildSchemaOf(NODES);
	return cached;
}
