/**
 * One tenant's data: a table per record type, natural-key indexes, a
 * parent -> children index for nested collections, and a cache of
 * filtered+sorted id lists so a page costs O(page + log n), not O(table).
 *
 * The store enforces integrity (unique natural keys, system properties,
 * derived amounts) but no business rule: rules.ts does that for the API.
 */
import { SimClock } from './clock';
import {
	Comparable,
	RecordSource,
	SortKey,
	compareKeys,
	compileFilter,
	compileOrderBy,
} from './filter';
import { NODES, NodeDef, PropDef, Rec, allNodes, nodeDef } from './model';

export class DuplicateKeyError extends Error {
	constructor() {
		super('A record already exists with the same data.');
	}
}

interface Table {
	def: NodeDef;
	records: Map<number, Rec>; // insertion order == _id order: ids are never reused
	nextId: number;
	byNaturalKey: Map<string, number>;
}

/** The result of one (filter, orderBy) over one record type, cached until the next write. */
export interface QueryResult {
	ids: number[];
	keys: Comparable[][];
	sortKeys: SortKey[];
}

const QUERY_CACHE_LIMIT = 256;

export class TenantStore implements RecordSource {
	private tables = new Map<string, Table>();
	/** `${parentType}.${collection}` -> parent _id -> child ids (in _id order). */
	private childIndex = new Map<string, Map<number, number[]>>();
	private queryCache = new Map<string, QueryResult>();
	/** Times `query` filtered and sorted a whole table (cache misses). */
	scans = 0;
	/** Next sales order number (SO000001...). */
	orderNumberSeq = 1;

	constructor(
		readonly tenantId: string,
		readonly clock: SimClock,
	) {
		for (const def of NODES)
			this.tables.set(def.recordType, {
				def,
				records: new Map(),
				nextId: 1,
				byNaturalKey: new Map(),
			});
		for (const def of NODES)
			for (const p of def.props)
				if (p.kind === 'collection') this.childIndex.set(`${def.recordType}.${p.name}`, new Map());
	}

	private table(recordType: string): Table {
		const t = this.tables.get(recordType);
		return t ?? this.addTable(nodeDef(recordType)); // nodeDef throws the helpful message
	}

	/** A table for a node type registered after this store was made (the realistic schema's). */
	private addTable(def: NodeDef): Table {
		const t: Table = { def, records: new Map(), nextId: 1, byNaturalKey: new Map() };
		this.tables.set(def.recordType, t);
		for (const p of def.props)
			if (p.kind === 'collection') this.childIndex.set(`${def.recordType}.${p.name}`, new Map());
		return t;
	}

	// ------------------------------------------------------------ reading

	getRecord(recordType: string, id: number): Rec | undefined {
		return this.table(recordType).records.get(id);
	}

	count(recordType: string): number {
		return this.table(recordType).records.size;
	}

	all(recordType: string): IterableIterator<Rec> {
		return this.table(recordType).records.values();
	}

	children(parentType: string, collection: PropDef, parentId: number): Rec[] {
		const ids = this.childIndex.get(`${parentType}.${collection.name}`)?.get(parentId);
		if (!ids) return [];
		const t = this.table(collection.target!);
		const out: Rec[] = [];
		for (const id of ids) {
			const r = t.records.get(id);
			if (r) out.push(r);
		}
		return out;
	}

	/** The natural key text of a record ('FR001', 'SO000001|2'); references use the target's key. */
	naturalKeyOf(def: NodeDef, rec: Rec): string {
		if (def.naturalKey.length === 1 && def.propMap.get(def.naturalKey[0])!.kind !== 'reference') {
			const v = rec[def.naturalKey[0]]; // the common case, kept cheap for big seeds
			return v === null || v === undefined ? '' : String(v);
		}
		return def.naturalKey
			.map((name) => {
				const p = def.propMap.get(name)!;
				const v = rec[name];
				if (p.kind === 'reference') {
					const target =
						v === null || v === undefined ? undefined : this.getRecord(p.target!, v as number);
					return target ? this.naturalKeyOf(nodeDef(p.target!), target) : '';
				}
				return v === null || v === undefined ? '' : String(v);
			})
			.join('|');
	}

	/** '#FR001' (natural key, parts joined by '|') or '6' (_id) -> _id; undefined when there is no such record. */
	resolveRef(recordType: string, text: string): number | undefined {
		const t = this.table(recordType);
		if (text.startsWith('#')) return t.byNaturalKey.get(text.slice(1));
		if (/^\d+$/.test(text)) {
			const id = Number(text);
			return t.records.has(id) ? id : undefined;
		}
		return undefined;
	}

	// ------------------------------------------------------------ writing

	/** Inserts a record whose values are already in stored form. Stamps default to the clock. */
	insertRecord(
		recordType: string,
		values: Record<string, unknown>,
		stamps?: { create: number; update: number },
	): Rec {
		const t = this.table(recordType);
		const now = this.clock.now();
		const rec: Rec = {
			...values,
			_id: t.nextId,
			_createStamp: stamps?.create ?? now,
			_updateStamp: stamps?.update ?? now,
			_updateTick: 1,
			_customData: typeof values._customData === 'string' ? values._customData : '{}',
		};
		const key = this.naturalKeyOf(t.def, rec);
		if (key !== '' && t.byNaturalKey.has(key)) throw new DuplicateKeyError();
		t.nextId++;
		t.records.set(rec._id, rec);
		if (key !== '') t.byNaturalKey.set(key, rec._id);
		this.indexChild(t.def, rec, +1);
		this.afterWrite(t.def, rec);
		this.invalidate();
		return rec;
	}

	/** Applies a patch in stored form; bumps _updateStamp and _updateTick. */
	updateRecord(recordType: string, id: number, patch: Record<string, unknown>): Rec {
		const t = this.table(recordType);
		const rec = t.records.get(id);
		if (!rec) throw new Error(`${recordType} _id ${id} does not exist`);
		const oldKey = this.naturalKeyOf(t.def, rec);
		const next: Rec = { ...rec, ...patch, _id: rec._id, _createStamp: rec._createStamp };
		const newKey = this.naturalKeyOf(t.def, next);
		if (newKey !== oldKey && newKey !== '' && t.byNaturalKey.has(newKey))
			throw new DuplicateKeyError();
		Object.assign(rec, patch, { _id: rec._id, _createStamp: rec._createStamp });
		rec._updateStamp = Math.max(this.clock.now(), rec._updateStamp);
		rec._updateTick++;
		if (newKey !== oldKey) {
			if (oldKey !== '') t.byNaturalKey.delete(oldKey);
			if (newKey !== '') t.byNaturalKey.set(newKey, rec._id);
			this.reindexDependentKeys(recordType);
		}
		this.afterWrite(t.def, rec);
		this.invalidate();
		return rec;
	}

	removeRecord(recordType: string, id: number): boolean {
		const t = this.table(recordType);
		const rec = t.records.get(id);
		if (!rec) return false;
		// Children go with their parent (a sales order takes its lines along).
		for (const p of t.def.props)
			if (p.kind === 'collection')
				for (const child of this.children(recordType, p, id))
					this.removeRecord(p.target!, child._id);
		t.records.delete(id);
		const key = this.naturalKeyOf(t.def, rec);
		if (t.byNaturalKey.get(key) === id) t.byNaturalKey.delete(key);
		this.indexChild(t.def, rec, -1);
		this.afterWrite(t.def, rec, true);
		this.invalidate();
		return true;
	}

	/** Records of other types whose reference `prop` points at (recordType, id). O(referencing table). */
	referencedBy(
		recordType: string,
		id: number,
	): { def: NodeDef; prop: PropDef; rec: Rec } | undefined {
		for (const def of allNodes())
			for (const prop of def.props) {
				if (prop.kind !== 'reference' || prop.target !== recordType) continue;
				// A child pointing at its parent is removed with it, not a blocker.
				if (
					nodeDef(recordType).props.some(
						(c) =>
							c.kind === 'collection' && c.target === def.recordType && c.parentRef === prop.name,
					)
				)
					continue;
				for (const rec of this.table(def.recordType).records.values())
					if (rec[prop.name] === id) return { def, prop, rec };
			}
		return undefined;
	}

	private indexChild(def: NodeDef, rec: Rec, delta: 1 | -1): void {
		for (const { parent, p } of collectionsTargeting(def.recordType)) {
			const parentId = rec[p.parentRef!] as number | null;
			if (parentId === null || parentId === undefined) continue;
			const idx = this.childIndex.get(`${parent.recordType}.${p.name}`)!;
			const list = idx.get(parentId) ?? [];
			if (delta > 0) list.push(rec._id);
			else list.splice(list.indexOf(rec._id), 1);
			if (list.length) idx.set(parentId, list);
			else idx.delete(parentId);
		}
	}

	/** A natural key may embed another record's key (a line's key holds its order number). */
	private reindexDependentKeys(changedType: string): void {
		for (const def of allNodes()) {
			if (!def.naturalKey.some((k) => def.propMap.get(k)!.target === changedType)) continue;
			const t = this.table(def.recordType);
			t.byNaturalKey.clear();
			for (const r of t.records.values()) t.byNaturalKey.set(this.naturalKeyOf(def, r), r._id);
		}
	}

	/** Derived values Sage computes itself: line amount and the order's total. */
	private afterWrite(def: NodeDef, rec: Rec, removed = false): void {
		if (def.recordType !== 'xtremSales.salesOrderLine') return;
		if (!removed)
			rec.amount = roundDecimal(((rec.quantity as number) ?? 0) * ((rec.netPrice as number) ?? 0));
		const orderId = rec.document as number;
		const order = this.getRecord('xtremSales.salesOrder', orderId);
		if (!order) return;
		let total = 0;
		for (const line of this.children(
			'xtremSales.salesOrder',
			nodeDef('xtremSales.salesOrder').propMap.get('lines')!,
			orderId,
		))
			total += (line.amount as number) ?? 0;
		order.totalAmountExcludingTax = roundDecimal(total);
	}

	/** Any write may change any cached answer (filters follow references), so drop them all. */
	private invalidate(): void {
		if (this.queryCache.size) this.queryCache.clear();
	}

	// ------------------------------------------------------------ querying

	/**
	 * Filtered and sorted ids of `recordType`, with their sort key tuples.
	 * Cached per (type, filter text, orderBy text) until the next write.
	 * Throws FilterError for a bad filter or orderBy.
	 */
	query(
		recordType: string,
		filter: string | null | undefined,
		orderBy: string | null | undefined,
	): QueryResult {
		const cacheKey = `${recordType}\u0001${filter ?? ''}\u0001${orderBy ?? ''}`;
		const hit = this.queryCache.get(cacheKey);
		if (hit) return hit;
		this.scans++;
		const predicate = compileFilter(recordType, filter, this);
		const sortKeys = compileOrderBy(recordType, orderBy, this);
		const recs: Rec[] = [];
		for (const r of this.table(recordType).records.values())
			if (!predicate || predicate(r)) recs.push(r);
		const rows = recs.map((r) => ({ id: r._id, key: sortKeys.map((k) => k.get(r)) }));
		// Records are already in _id order; only sort when the order asks for something else.
		if (!(sortKeys.length === 1 && sortKeys[0].dir === 1))
			rows.sort((a, b) => compareKeys(sortKeys, a.key, b.key));
		const result: QueryResult = {
			ids: rows.map((r) => r.id),
			keys: rows.map((r) => r.key),
			sortKeys,
		};
		if (this.queryCache.size >= QUERY_CACHE_LIMIT) this.queryCache.clear();
		this.queryCache.set(cacheKey, result);
		return result;
	}

	/** Orders an explicit record list (nested collections are small: no cache). */
	sortRecords(
		recordType: string,
		recs: Rec[],
		filter: string | null | undefined,
		orderBy: string | null | undefined,
	): QueryResult {
		const predicate = compileFilter(recordType, filter, this);
		const sortKeys = compileOrderBy(recordType, orderBy, this);
		const rows = recs
			.filter((r) => !predicate || predicate(r))
			.map((r) => ({ id: r._id, key: sortKeys.map((k) => k.get(r)) }));
		rows.sort((a, b) => compareKeys(sortKeys, a.key, b.key));
		return { ids: rows.map((r) => r.id), keys: rows.map((r) => r.key), sortKeys };
	}
}

const collectionsCache = new Map<string, { parent: NodeDef; p: PropDef }[]>();

/** The collection properties whose children are of `recordType` (computed once per type). */
function collectionsTargeting(recordType: string): { parent: NodeDef; p: PropDef }[] {
	let list = collectionsCache.get(recordType);
	if (!list) {
		list = [];
		for (const parent of allNodes())
			for (const p of parent.props)
				if (p.kind === 'collection' && p.target === recordType) list.push({ parent, p });
		collectionsCache.set(recordType, list);
	}
	return list;
}

/** Decimals are kept as JS numbers; round away binary noise (0.1 + 0.2) at 15 significant digits. */
export function roundDecimal(n: number): number {
	return Number.isFinite(n) ? parseFloat(n.toPrecision(15)) : n;
}
