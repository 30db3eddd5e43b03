/**
 * `bulkUpdate(filter, data): Boolean`, as Sage's developer guide describes it: every record
 * matching the filter gets the same values, in one transaction. Two kinds of refusal:
 * - what is wrong with the request itself (a value of the wrong type, an unknown reference,
 *   a mandatory property emptied, a natural key given to several records) fails the whole
 *   call: an error, and no record changed (every check runs before the first write);
 * - what a business rule refuses for one record (a closed sales order, a rule on its merged
 *   values) leaves that record unchanged without a word, and the others are updated.
 * The answer is `true` either way it succeeds, even when nothing matched.
 */
import { GraphQLError, GraphQLObjectType, GraphQLSchema } from 'graphql';

import { MutationKind, Counters, countMutation } from './counters';
import { FilterError } from './filter';
import { NODES, NodeDef, Rec } from './model';
import { BusinessError, checkUpdate, convertInput } from './rules';
import { DuplicateKeyError, TenantStore } from './store';

/** Resolves `X_Mutation.bulkUpdate` of every writable node; refusals become errors at the field's path. */
export function wireBulkUpdate(schema: GraphQLSchema, nodes: readonly NodeDef[] = NODES): void {
	for (const def of nodes) {
		if (!def.mutable) continue;
		const field = (schema.getType(`${def.typeName}_Mutation`) as GraphQLObjectType).getFields()
			.bulkUpdate;
		field.resolve = (
			_s,
			args: { filter?: string | null; data: Record<string, unknown> },
			ctx: { store: TenantStore; counters: Counters },
		) => {
			try {
				return bulkUpdate(ctx.store, ctx.counters, def, args.filter, args.data) >= 0;
			} catch (e) {
				if (e instanceof BusinessError)
					throw new GraphQLError(e.message, { extensions: { code: e.code } });
				if (e instanceof FilterError)
					throw new GraphQLError(e.message, { extensions: { code: 'invalid-argument' } });
				throw e;
			}
		};
	}
}

/** Updates every record the filter matches; returns how many were updated (the caller answers `true`). */
export function bulkUpdate(
	store: TenantStore,
	counters: Counters,
	def: NodeDef,
	filter: string | null | undefined,
	data: Record<string, unknown>,
): number {
	if (data._id !== undefined && data._id !== null) {
		throw new BusinessError(
			`${def.typeName}.bulkUpdate: data cannot hold _id; the filter says which records to update.`,
			'invalid-value',
		);
	}
	const converted = convertInput(store, def, data);
	if (converted.collections.size) {
		throw new BusinessError(
			`${def.typeName}.bulkUpdate: collections (${[...converted.collections.keys()].map((p) => p.name).join(', ')}) cannot be changed in bulk.`,
			'invalid-value',
		);
	}
	const ids = store.query(def.recordType, filter, null).ids;
	const updatable: Rec[] = [];
	for (const id of ids) {
		const rec = store.getRecord(def.recordType, id)!;
		try {
			checkUpdate(store, def, rec, converted, () => undefined);
			updatable.push(rec);
		} catch (e) {
			// A rule refusing this one record: Sage leaves it unchanged, silently.
			if (e instanceof BusinessError && e.code === 'business-rule-error') continue;
			throw e;
		}
	}
	checkNaturalKeys(store, def, updatable, converted.values);
	for (const rec of updatable) store.updateRecord(def.recordType, rec._id, converted.values);
	const kind: MutationKind = 'update';
	for (let i = 0; i < updatable.length; i++) countMutation(counters, def.recordType, kind);
	return updatable.length;
}

/** Values that set a natural key may go to one record at most, and never to a key another record holds. */
function checkNaturalKeys(
	store: TenantStore,
	def: NodeDef,
	updatable: Rec[],
	values: Record<string, unknown>,
): void {
	if (!def.naturalKey.some((name) => name in values)) return;
	const keys = new Set<string>();
	for (const rec of updatable) {
		const key = store.naturalKeyOf(def, { ...rec, ...values } as Rec);
		const holder = store.resolveRef(def.recordType, `#${key}`);
		if (keys.has(key) || (holder !== undefined && holder !== rec._id))
			throw new BusinessError(new DuplicateKeyError().message, 'duplicate-key');
		keys.add(key);
	}
}
