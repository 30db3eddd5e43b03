/**
 * What Sage does with a mutation: converts the input (references given as
 * '#naturalKey' or '_id' text, decimals as numbers), applies defaults,
 * enforces the business rules Sage is known to enforce, writes through the
 * store, and collects warnings (diagnoses).
 *
 * Errors are BusinessError: the GraphQL layer turns each into an entry of
 * `errors[]` at the alias's path, leaving the other aliases alone.
 */
import { NodeDef, PropDef, Rec, nodeDef } from './model';
import { DuplicateKeyError, TenantStore, roundDecimal } from './store';

export class BusinessError extends Error {
	constructor(
		message: string,
		readonly code: string = 'business-rule-error',
	) {
		super(message);
	}
}

export interface Diagnosis {
	severity: 'warning' | 'info';
	message: string;
	path: (string | number)[];
}

/** Warnings are reported relative to the mutated record; the caller prefixes the response path. */
export type Warn = (message: string, subPath?: (string | number)[]) => void;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const QUANTITY_WARNING_THRESHOLD = 1000;

export function todayIso(ms: number): string {
	return new Date(ms).toISOString().slice(0, 10);
}

/** Converts one input value to its stored form, or refuses it naming the property. */
function convertValue(store: TenantStore, def: NodeDef, prop: PropDef, value: unknown): unknown {
	if (value === null) return null;
	const bad = (what: string): BusinessError =>
		new BusinessError(
			`${def.typeName}.${prop.name}: expected ${what}, got ${JSON.stringify(value)}.`,
			'invalid-value',
		);
	switch (prop.kind) {
		case 'string':
			if (typeof value !== 'string') throw bad('a string');
			return value;
		case 'boolean':
			if (typeof value !== 'boolean') throw bad('true or false');
			return value;
		case 'int':
			if (typeof value !== 'number' || !Number.isInteger(value)) throw bad('an integer');
			return value;
		case 'decimal': {
			const n =
				typeof value === 'number'
					? value
					: typeof value === 'string' && value.trim() !== ''
						? Number(value)
						: NaN;
			if (!Number.isFinite(n)) throw bad('a decimal number');
			return roundDecimal(n);
		}
		case 'date':
			if (typeof value !== 'string' || !DATE_RE.test(value) || Number.isNaN(Date.parse(value)))
				throw bad("a date 'YYYY-MM-DD'");
			return value;
		case 'enum':
			if (typeof value !== 'string' || !prop.enumValues!.includes(value))
				throw bad(`one of ${prop.enumValues!.join(', ')}`);
			return value;
		case 'reference': {
			const text = typeof value === 'number' ? String(value) : value;
			if (typeof text !== 'string') throw bad("a reference ('#naturalKey' or an _id)");
			const id = store.resolveRef(prop.target!, text);
			if (id === undefined) {
				const target = nodeDef(prop.target!);
				throw new BusinessError(
					`${def.typeName}.${prop.name}: invalid reference '${text}': no ${target.typeName} record has this ${text.startsWith('#') ? 'natural key' : '_id'}.`,
					'invalid-reference',
				);
			}
			return id;
		}
		default:
			throw bad('a value');
	}
}

function checkCustomData(def: NodeDef, value: unknown): string {
	if (typeof value !== 'string')
		throw new BusinessError(
			`${def.typeName}._customData: expected a JSON-encoded string.`,
			'invalid-value',
		);
	try {
		JSON.parse(value);
	} catch {
		throw new BusinessError(`${def.typeName}._customData: not valid JSON.`, 'invalid-value');
	}
	return value;
}

export interface Converted {
	values: Record<string, unknown>;
	collections: Map<PropDef, unknown[]>;
}

/** Converts a whole input object. `_id` and `_action` are locators, not values. */
export function convertInput(
	store: TenantStore,
	def: NodeDef,
	data: Record<string, unknown>,
	allowReadOnly = false,
): Converted {
	const values: Record<string, unknown> = {};
	const collections = new Map<PropDef, unknown[]>();
	for (const [key, value] of Object.entries(data)) {
		if (value === undefined || key === '_id' || key === '_action') continue;
		if (key === '_customData') {
			values._customData = checkCustomData(def, value);
			continue;
		}
		const prop = def.propMap.get(key);
		if (!prop)
			throw new BusinessError(`${def.typeName}: unknown property '${key}'.`, 'invalid-value');
		if (prop.readOnly && !allowReadOnly)
			throw new BusinessError(
				`${def.typeName}.${key}: the property is read-only.`,
				'invalid-value',
			);
		if (prop.kind === 'collection') {
			if (!Array.isArray(value))
				throw new BusinessError(`${def.typeName}.${key}: expected a list.`, 'invalid-value');
			collections.set(prop, value);
			continue;
		}
		values[key] = convertValue(store, def, prop, value);
	}
	return { values, collections };
}

function checkRequired(def: NodeDef, rec: Record<string, unknown>, prefix = ''): void {
	for (const p of def.props)
		if (p.required && (rec[p.name] === null || rec[p.name] === undefined || rec[p.name] === ''))
			throw new BusinessError(
				`${prefix}${def.typeName}.${p.name}: the property is mandatory.`,
				'mandatory-property',
			);
}

const SALES_ORDER = 'xtremSales.salesOrder';
const SALES_ORDER_LINE = 'xtremSales.salesOrderLine';
const CUSTOMER = 'xtremMasterData.customer';

function applyDefaults(store: TenantStore, def: NodeDef, values: Record<string, unknown>): void {
	if (def.propMap.has('isActive') && values.isActive === undefined) values.isActive = true;
	if (def.recordType === SALES_ORDER) {
		if (values.number === undefined || values.number === null || values.number === '') {
			// The next free number: a number given by hand earlier is skipped, not collided with.
			let number: string;
			do number = `SO${String(store.orderNumberSeq++).padStart(6, '0')}`;
			while (store.resolveRef(SALES_ORDER, '#' + number) !== undefined);
			values.number = number;
		}
		if (values.status === undefined) values.status = 'pending';
		if (values.orderDate === undefined) values.orderDate = todayIso(store.clock.now());
		if (values.currency === undefined && typeof values.soldToCustomer === 'number')
			values.currency = store.getRecord(CUSTOMER, values.soldToCustomer)?.currency ?? null;
	}
	if (
		def.recordType === SALES_ORDER_LINE &&
		typeof values.document === 'number' &&
		values.lineNumber === undefined
	) {
		let max = 0;
		for (const l of store.children(
			SALES_ORDER,
			nodeDef(SALES_ORDER).propMap.get('lines')!,
			values.document,
		))
			max = Math.max(max, l.lineNumber as number);
		values.lineNumber = max + 1;
		if (values.netPrice === undefined && typeof values.item === 'number')
			values.netPrice =
				(store.getRecord('xtremMasterData.item', values.item)?.basePrice as number | undefined) ??
				0;
	}
}

function checkRules(def: NodeDef, rec: Record<string, unknown>, warn: Warn): void {
	if (def.recordType === CUSTOMER) {
		if (typeof rec.creditLimit === 'number' && rec.creditLimit < 0)
			throw new BusinessError('Customer.creditLimit: the credit limit cannot be negative.');
		if (rec.email === null || rec.email === undefined || rec.email === '')
			warn('The customer has no email address.');
	}
}

export interface LinePlan {
	action: 'create' | 'update' | 'delete';
	id?: number;
	values: Record<string, unknown>;
	index: number;
}

/**
 * A line's `_action`: given, or inferred as Xtrem does for vital collections: a negative
 * `_id` ("-1") is a new line, a positive one an existing line, no `_id` a new line. A new
 * line never takes an existing line's `_id`, and two new lines never share one.
 */
function lineAction(
	data: Record<string, unknown>,
	where: string,
	newIds: Set<string>,
): LinePlan['action'] {
	const id = data._id === undefined || data._id === null ? undefined : String(data._id);
	if (id !== undefined && !/^-?\d+$/.test(id))
		throw new BusinessError(
			`${where}invalid _id '${id}': an integer, negative for a new line.`,
			'invalid-value',
		);
	const negative = id !== undefined && id.startsWith('-');
	const action = (data._action ?? (id === undefined || negative ? 'create' : 'update')) as string;
	if (action !== 'create' && action !== 'update' && action !== 'delete')
		throw new BusinessError(`${where}_action must be create, update or delete.`, 'invalid-value');
	if (action === 'create' && id !== undefined) {
		if (!negative)
			throw new BusinessError(
				`${where}a new line takes a negative _id (e.g. "-1"), not '${id}'.`,
				'invalid-value',
			);
		if (newIds.has(id))
			throw new BusinessError(
				`${where}the _id '${id}' is given to two new lines.`,
				'invalid-value',
			);
		newIds.add(id);
	}
	return action as LinePlan['action'];
}

/** Validates every line before anything is written, so an order is written whole or not at all. */
function planLines(
	store: TenantStore,
	orderId: number | null,
	lines: unknown[],
	warn: Warn,
): LinePlan[] {
	const lineDef = nodeDef(SALES_ORDER_LINE);
	const newIds = new Set<string>();
	return lines.map((raw, index) => {
		const where = `lines[${index}]: `;
		if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
			throw new BusinessError(`${where}expected an object.`, 'invalid-value');
		const data = raw as Record<string, unknown>;
		const action = lineAction(data, where, newIds);
		let id: number | undefined;
		let existing: Rec | undefined;
		if (action !== 'create') {
			id =
				data._id === undefined || data._id === null
					? undefined
					: store.resolveRef(SALES_ORDER_LINE, String(data._id));
			existing = id === undefined ? undefined : store.getRecord(SALES_ORDER_LINE, id);
			if (!existing || existing.document !== orderId)
				throw new BusinessError(
					`${where}the sales order line '${String(data._id)}' was not found on this order.`,
					'not-found',
				);
		}
		let values: Record<string, unknown> = {};
		try {
			values = action === 'delete' ? {} : convertInput(store, lineDef, data).values;
		} catch (e) {
			if (e instanceof BusinessError) throw new BusinessError(where + e.message, e.code);
			throw e;
		}
		if (action === 'create') {
			if (values.netPrice === undefined && typeof values.item === 'number')
				values.netPrice =
					(store.getRecord('xtremMasterData.item', values.item)?.basePrice as number | undefined) ??
					0;
			checkRequired(lineDef, values, where);
		}
		if (action !== 'delete') {
			const merged = { ...existing, ...values };
			checkRequired(lineDef, merged, where);
			const q = merged.quantity as number;
			if (q <= 0)
				throw new BusinessError(
					`${where}SalesOrderLine.quantity: the quantity must be greater than 0.`,
				);
			if (q > QUANTITY_WARNING_THRESHOLD)
				warn(
					`Line ${index + 1}: the quantity ${q} is above ${QUANTITY_WARNING_THRESHOLD}; check the order.`,
					['lines', index],
				);
		}
		return { action, id, values, index };
	});
}

function applyLines(store: TenantStore, orderId: number, plans: LinePlan[]): void {
	for (const plan of plans) {
		if (plan.action === 'delete') store.removeRecord(SALES_ORDER_LINE, plan.id!);
		else if (plan.action === 'update') store.updateRecord(SALES_ORDER_LINE, plan.id!, plan.values);
		else {
			let max = 0;
			for (const l of store.children(
				SALES_ORDER,
				nodeDef(SALES_ORDER).propMap.get('lines')!,
				orderId,
			))
				max = Math.max(max, l.lineNumber as number);
			store.insertRecord(SALES_ORDER_LINE, {
				...plan.values,
				document: orderId,
				lineNumber: max + 1,
			});
		}
	}
}

function wrapDuplicate<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		if (e instanceof DuplicateKeyError) throw new BusinessError(e.message, 'duplicate-key');
		throw e;
	}
}

/** create(data): returns the new record. */
export function createRecord(
	store: TenantStore,
	def: NodeDef,
	data: Record<string, unknown>,
	warn: Warn,
): Rec {
	const { values, collections } = convertInput(store, def, data);
	applyDefaults(store, def, values);
	checkRequired(def, values);
	checkRules(def, values, warn);
	const linesProp = def.propMap.get('lines');
	const plans =
		linesProp && collections.has(linesProp)
			? planLines(store, null, collections.get(linesProp)!, warn)
			: [];
	if (plans.some((p) => p.action !== 'create'))
		throw new BusinessError('lines: a new sales order can only create lines.', 'invalid-value');
	const rec = wrapDuplicate(() => store.insertRecord(def.recordType, values));
	applyLines(store, rec._id, plans);
	return rec;
}

/** Finds the record an update/delete names: '_id', '#natural|key', or the natural key properties in data. */
export function locate(
	store: TenantStore,
	def: NodeDef,
	idText: unknown,
	data?: Record<string, unknown>,
): Rec {
	let text: string | undefined;
	if (idText !== undefined && idText !== null && idText !== '') text = String(idText);
	else if (
		data &&
		def.naturalKey.every(
			(k) => data[k] !== undefined && data[k] !== null && def.propMap.get(k)!.kind !== 'reference',
		)
	)
		text = '#' + def.naturalKey.map((k) => String(data[k])).join('|');
	if (text === undefined)
		throw new BusinessError(
			`${def.typeName}: _id is required (or the natural key ${def.naturalKey.join(', ')}).`,
			'invalid-value',
		);
	if (!text.startsWith('#') && !/^\d+$/.test(text))
		throw new BusinessError(
			`${def.typeName}: invalid _id '${text}' (an integer, or '#' and the natural key).`,
			'invalid-value',
		);
	const id = store.resolveRef(def.recordType, text);
	const rec = id === undefined ? undefined : store.getRecord(def.recordType, id);
	if (!rec)
		throw new BusinessError(`${def.typeName}: the record '${text}' was not found.`, 'not-found');
	return rec;
}

/**
 * Every check an update of `rec` with `values` must pass, before anything is written; the
 * line plans to apply after it. A refusal tied to the record itself (a closed order, a rule
 * on its merged values) is a BusinessError with the code 'business-rule-error'.
 */
export function checkUpdate(
	store: TenantStore,
	def: NodeDef,
	rec: Rec,
	converted: Converted,
	warn: Warn,
): LinePlan[] {
	const { values, collections } = converted;
	for (const [k] of Object.entries(values))
		if (def.propMap.get(k)?.createOnly)
			throw new BusinessError(`${def.typeName}.${k}: cannot be changed.`, 'invalid-value');
	if (def.recordType === SALES_ORDER && rec.status === 'closed')
		throw new BusinessError(
			`The sales order ${String(rec.number)} is closed: it cannot be changed.`,
		);
	const merged = { ...rec, ...values };
	checkRequired(def, merged);
	if (def.recordType === CUSTOMER)
		checkRules(def, merged, 'email' in values ? warn : () => undefined);
	const linesProp = def.propMap.get('lines');
	const plans =
		linesProp && collections.has(linesProp)
			? planLines(store, rec._id, collections.get(linesProp)!, warn)
			: [];
	if (def.recordType === SALES_ORDER && plans.length && rec.status === 'shipped')
		throw new BusinessError('The lines of a shipped or closed sales order cannot be changed.');
	return plans;
}

/** update(data): data holds `_id` (or the natural key) and the properties to change. */
export function updateRecord(
	store: TenantStore,
	def: NodeDef,
	data: Record<string, unknown>,
	warn: Warn,
): Rec {
	const rec = locate(store, def, data._id, data);
	const converted = convertInput(store, def, data);
	const plans = checkUpdate(store, def, rec, converted, warn);
	const updated = wrapDuplicate(() =>
		store.updateRecord(def.recordType, rec._id, converted.values),
	);
	applyLines(store, rec._id, plans);
	return updated;
}

/** delete(_id): returns 1. */
export function deleteRecord(store: TenantStore, def: NodeDef, idText: string): number {
	const rec = locate(store, def, idText);
	if (
		def.recordType === SALES_ORDER &&
		(rec.status === 'shipped' || rec.status === 'partiallyShipped')
	)
		throw new BusinessError(
			'Deletion is not allowed. The sales order has been shipped or is partially shipped.',
		);
	const user = store.referencedBy(def.recordType, rec._id);
	if (user)
		throw new BusinessError(
			`Deletion is not allowed. The record is used by ${user.def.typeName} '${store.naturalKeyOf(user.def, user.rec) || user.rec._id}' (${user.prop.name}).`,
		);
	store.removeRecord(def.recordType, rec._id);
	return 1;
}

// ------------------------------------------------------------ direct store access (sim.store())

/** A plain copy for tests: _id as string, stamps ISO, references as the target's _id string. */
export function toView(def: NodeDef, rec: Rec): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const p of def.props) {
		if (p.kind === 'collection') continue;
		const v = rec[p.name];
		if (p.name === '_id') out._id = String(v);
		else if (p.kind === 'datetime') out[p.name] = new Date(v as number).toISOString();
		else if (p.kind === 'reference') out[p.name] = v === null || v === undefined ? null : String(v);
		else out[p.name] = v ?? null;
	}
	return out;
}

/** Inserts without business rules (but with defaults, references resolved, lines allowed). */
export function insertDirect(store: TenantStore, def: NodeDef, data: Record<string, unknown>): Rec {
	const { values, collections } = convertInput(store, def, data, true);
	applyDefaults(store, def, values);
	const rec = wrapDuplicate(() => store.insertRecord(def.recordType, values));
	const linesProp = def.propMap.get('lines');
	if (linesProp && collections.has(linesProp))
		applyLines(
			store,
			rec._id,
			planLines(store, rec._id, collections.get(linesProp)!, () => undefined),
		);
	return rec;
}

export function updateDirect(
	store: TenantStore,
	def: NodeDef,
	id: number,
	patch: Record<string, unknown>,
): Rec {
	const { values } = convertInput(store, def, patch, true);
	return wrapDuplicate(() => store.updateRecord(def.recordType, id, values));
}
