/**
 * The simulated Sage (Xtrem) data model: which packages and nodes exist and
 * what properties they have. The GraphQL schema, the filter compiler, the
 * store and the mutation rules are all derived from this one description, so
 * they cannot disagree with one another.
 */

/** Kinds of property, as the filter compiler and the store see them. */
export type PropKind =
	| 'id' // the system _id (integer inside, String in GraphQL)
	| 'string'
	| 'boolean'
	| 'int'
	| 'decimal'
	| 'date' // 'YYYY-MM-DD'
	| 'datetime' // epoch ms inside, ISO string with ms and Z outside
	| 'enum'
	| 'reference'
	| 'collection';

export interface PropDef {
	name: string;
	kind: PropKind;
	/** reference/collection: the target record type (package.node). */
	target?: string;
	/** collection: the child's reference property that points back at the parent. */
	parentRef?: string;
	/** enum: GraphQL enum type name and its values. */
	enumType?: string;
	enumValues?: string[];
	/** Must be given on create (a business-rule error names it otherwise). */
	required?: boolean;
	/** Computed or system-managed: not part of the mutation input. */
	readOnly?: boolean;
	/** Not settable by update (e.g. the parent reference of a line). */
	createOnly?: boolean;
}

export interface NodeDef {
	recordType: string; // e.g. xtremMasterData.customer
	pkg: string; // xtremMasterData
	node: string; // customer
	typeName: string; // Customer
	/** Natural key properties; a reference part uses the target's natural key. Joined with '|'. */
	naturalKey: string[];
	props: PropDef[];
	propMap: Map<string, PropDef>;
	/** Exposes create/update/delete in the Mutation root. */
	mutable: boolean;
}

/** System properties every node has, in the order Xtrem lists them. */
export const SYSTEM_PROPS: PropDef[] = [
	{ name: '_id', kind: 'id', readOnly: true },
	{ name: '_createStamp', kind: 'datetime', readOnly: true },
	{ name: '_updateStamp', kind: 'datetime', readOnly: true },
	{ name: '_updateTick', kind: 'int', readOnly: true },
	{ name: '_customData', kind: 'string' },
];

export const SALES_ORDER_STATUSES = [
	'quote',
	'pending',
	'inProgress',
	'partiallyShipped',
	'shipped',
	'closed',
];

interface NodeSpec {
	recordType: string;
	typeName: string;
	naturalKey: string[];
	mutable?: boolean;
	props: PropDef[];
}

const SPECS: NodeSpec[] = [
	{
		recordType: 'xtremStructure.country',
		typeName: 'Country',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
		],
	},
	{
		recordType: 'xtremMasterData.currency',
		typeName: 'Currency',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
			{ name: 'symbol', kind: 'string' },
			{ name: 'decimalDigits', kind: 'int' },
		],
	},
	{
		recordType: 'xtremMasterData.unitOfMeasure',
		typeName: 'UnitOfMeasure',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
			{ name: 'decimalDigits', kind: 'int' },
		],
	},
	{
		recordType: 'xtremSystem.site',
		typeName: 'Site',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
			{ name: 'isActive', kind: 'boolean' },
			{ name: 'country', kind: 'reference', target: 'xtremStructure.country' },
			{ name: 'currency', kind: 'reference', target: 'xtremMasterData.currency' },
		],
	},
	{
		recordType: 'xtremMasterData.businessEntity',
		typeName: 'BusinessEntity',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
			{ name: 'isActive', kind: 'boolean' },
			{ name: 'taxIdNumber', kind: 'string' },
			{ name: 'country', kind: 'reference', target: 'xtremStructure.country' },
		],
	},
	{
		recordType: 'xtremMasterData.customer',
		typeName: 'Customer',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
			{ name: 'isActive', kind: 'boolean' },
			{ name: 'email', kind: 'string' },
			{ name: 'phone', kind: 'string' },
			{ name: 'city', kind: 'string' },
			{ name: 'country', kind: 'reference', target: 'xtremStructure.country' },
			{ name: 'currency', kind: 'reference', target: 'xtremMasterData.currency', required: true },
			{ name: 'businessEntity', kind: 'reference', target: 'xtremMasterData.businessEntity' },
			{ name: 'creditLimit', kind: 'decimal' },
			{ name: 'paymentTermDays', kind: 'int' },
		],
	},
	{
		recordType: 'xtremMasterData.item',
		typeName: 'Item',
		naturalKey: ['id'],
		props: [
			{ name: 'id', kind: 'string', required: true },
			{ name: 'name', kind: 'string', required: true },
			{ name: 'description', kind: 'string' },
			{ name: 'isActive', kind: 'boolean' },
			{ name: 'category', kind: 'string' },
			{
				name: 'stockUnit',
				kind: 'reference',
				target: 'xtremMasterData.unitOfMeasure',
				required: true,
			},
			{ name: 'basePrice', kind: 'decimal' },
			{ name: 'weight', kind: 'decimal' },
		],
	},
	{
		recordType: 'xtremSales.salesOrder',
		typeName: 'SalesOrder',
		naturalKey: ['number'],
		props: [
			{ name: 'number', kind: 'string' }, // auto-assigned (SO000123) when absent
			{
				name: 'soldToCustomer',
				kind: 'reference',
				target: 'xtremMasterData.customer',
				required: true,
			},
			{ name: 'site', kind: 'reference', target: 'xtremSystem.site', required: true },
			{ name: 'currency', kind: 'reference', target: 'xtremMasterData.currency' }, // defaults to the customer's
			{ name: 'orderDate', kind: 'date' }, // defaults to today (simulated clock)
			{
				name: 'status',
				kind: 'enum',
				enumType: 'SalesOrderStatus',
				enumValues: SALES_ORDER_STATUSES,
			},
			{ name: 'customerReference', kind: 'string' },
			{ name: 'totalAmountExcludingTax', kind: 'decimal', readOnly: true },
			{
				name: 'lines',
				kind: 'collection',
				target: 'xtremSales.salesOrderLine',
				parentRef: 'document',
			},
		],
	},
	{
		// A natural key of two parts, one a reference, and a `number` that alone names nothing.
		recordType: 'xtremPurchasing.purchaseReceipt',
		typeName: 'PurchaseReceipt',
		naturalKey: ['site', 'number'],
		props: [
			{ name: 'site', kind: 'reference', target: 'xtremSystem.site', required: true },
			{ name: 'number', kind: 'string', required: true },
			{ name: 'supplierName', kind: 'string' },
			{ name: 'receiptDate', kind: 'date' },
		],
	},
	{
		recordType: 'xtremSales.salesOrderLine',
		typeName: 'SalesOrderLine',
		naturalKey: ['document', 'lineNumber'],
		mutable: false, // lines are written through their sales order
		props: [
			{ name: 'document', kind: 'reference', target: 'xtremSales.salesOrder', readOnly: true },
			{ name: 'lineNumber', kind: 'int', readOnly: true },
			{ name: 'item', kind: 'reference', target: 'xtremMasterData.item', required: true },
			{ name: 'quantity', kind: 'decimal', required: true },
			{ name: 'netPrice', kind: 'decimal' }, // defaults to the item's basePrice
			{ name: 'amount', kind: 'decimal', readOnly: true }, // quantity * netPrice
		],
	},
];

function buildNode(spec: NodeSpec): NodeDef {
	const [pkg, node] = spec.recordType.split('.');
	const props = [...SYSTEM_PROPS, ...spec.props];
	return {
		recordType: spec.recordType,
		pkg,
		node,
		typeName: spec.typeName,
		naturalKey: spec.naturalKey,
		props,
		propMap: new Map(props.map((p) => [p.name, p])),
		mutable: spec.mutable ?? true,
	};
}

export const NODES: NodeDef[] = SPECS.map(buildNode);
export const NODE_BY_TYPE = new Map(NODES.map((n) => [n.recordType, n]));

/** Package names in schema order. */
export const PACKAGES = [...new Set(NODES.map((n) => n.pkg))];

/** Node types added at run time (the realistic schema's, realistic-model.ts): nodeDef() and the store find them; the default schema never shows them. */
const ADDED_NODES: NodeDef[] = [];

export function registerNodes(defs: NodeDef[]): void {
	for (const def of defs) {
		if (NODE_BY_TYPE.has(def.recordType)) continue;
		NODE_BY_TYPE.set(def.recordType, def);
		ADDED_NODES.push(def);
	}
}

/** The hand-written node types and those added at run time. */
export function allNodes(): NodeDef[] {
	return ADDED_NODES.length ? [...NODES, ...ADDED_NODES] : NODES;
}

export function nodeDef(recordType: string): NodeDef {
	const def = NODE_BY_TYPE.get(recordType);
	if (!def)
		throw new Error(
			`Unknown record type '${recordType}'. Known: ${[...NODE_BY_TYPE.keys()].join(', ')}`,
		);
	return def;
}

/**
 * A stored record. System properties are kept in their cheapest form (_id as
 * an integer, stamps as epoch ms); references hold the target's _id (or null);
 * decimals are JS numbers. The GraphQL layer formats them on the way out.
 */
export interface Rec {
	_id: number;
	_createStamp: number;
	_updateStamp: number;
	_updateTick: number;
	_customData: string;
	[prop: string]: unknown;
}
