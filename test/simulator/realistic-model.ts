/**
 * The realistic schema's node types: a real tenant's size (about 30 packages and 1,000
 * node types of 20-60 properties, references, vital collections, enums), generated from a
 * fixed seed around the hand-written ones in model.ts, which stay as they are. The same
 * seed gives the same schema on every machine. A few generated types hold data (see
 * REALISTIC_DATA_TYPES) so that reads work on them; the others answer empty lists.
 */
import { NODES, NodeDef, PropDef, SYSTEM_PROPS, nodeDef, registerNodes } from './model';
import { prng } from './seed';
import { TenantStore } from './store';

const SEED = 0x5a6e2025;

/** Generated packages; with the four hand-written ones, 30 in all. */
const PACKAGES = [
	'xtremPurchasing',
	'xtremStock',
	'xtremFinance',
	'xtremManufacturing',
	'xtremTechnicalData',
	'xtremQuality',
	'xtremProjects',
	'xtremHumanResources',
	'xtremAuthorization',
	'xtremCommunication',
	'xtremImportExport',
	'xtremTax',
	'xtremLandedCost',
	'xtremDistribution',
	'xtremWarehousing',
	'xtremPlanning',
	'xtremCustomerRelations',
	'xtremService',
	'xtremAssets',
	'xtremBanking',
	'xtremPayroll',
	'xtremIntegration',
	'xtremWorkflow',
	'xtremDashboard',
	'xtremIntercompany',
	'xtremForecasting',
];
const NODES_PER_PACKAGE = 38;

const HEADS = [
	'purchase',
	'stock',
	'journal',
	'ledger',
	'work',
	'quality',
	'project',
	'employee',
	'role',
	'message',
	'import',
	'tax',
	'landed',
	'shipment',
	'bin',
	'plan',
	'contact',
	'service',
	'asset',
	'bank',
	'payroll',
	'connector',
	'workflow',
	'widget',
	'transfer',
	'forecast',
	'receipt',
	'invoice',
	'cost',
	'routing',
	'inspection',
	'budget',
	'account',
	'allocation',
	'batch',
	'lot',
];
const TAILS = [
	'Order',
	'Request',
	'Entry',
	'Receipt',
	'Document',
	'Setting',
	'Category',
	'Group',
	'Rule',
	'Template',
	'Version',
	'Schedule',
	'Status',
	'Type',
	'Log',
	'Policy',
	'Profile',
	'Assignment',
	'Reason',
	'Calendar',
	'Period',
	'Rate',
	'Matrix',
	'Header',
];
const MIDS = [
	'',
	'',
	'Supplier',
	'Customer',
	'Site',
	'Item',
	'Account',
	'Production',
	'Sales',
	'Default',
];
const FIELD_HEADS = [
	'amount',
	'quantity',
	'status',
	'description',
	'comment',
	'reference',
	'total',
	'price',
	'cost',
	'date',
	'owner',
	'source',
	'target',
	'external',
	'internal',
	'approval',
	'posting',
	'due',
	'valuation',
	'tax',
	'discount',
	'weight',
	'volume',
	'priority',
	'sequence',
	'barcode',
	'language',
	'region',
	'channel',
	'margin',
	'budget',
	'threshold',
	'delivery',
	'billing',
	'contact',
	'note',
];
const FIELD_TAILS = [
	'',
	'Code',
	'Text',
	'Value',
	'Level',
	'Number',
	'Flag',
	'Kind',
	'Date',
	'Label',
	'Ratio',
	'Count',
	'Limit',
	'Name',
];
const ENUM_VALUES = [
	'draft',
	'pending',
	'approved',
	'rejected',
	'posted',
	'closed',
	'inProgress',
	'cancelled',
	'onHold',
	'completed',
	'error',
	'archived',
];

/** Generated types that hold data: a wide master-data type, a document with vital lines, and its lines. */
export const REALISTIC_DATA_TYPES = {
	wide: 'xtremPurchasing.purchaseRequisition',
	document: 'xtremStock.stockTransferOrder',
	lines: 'xtremStock.stockTransferOrderLine',
} as const;

/** Records of each data-holding generated type, per tenant. */
export const REALISTIC_RECORDS = 60;

const cap = (s: string): string => s[0].toUpperCase() + s.slice(1);

interface Draft {
	recordType: string;
	typeName: string;
	props: PropDef[];
	naturalKey: string[];
	mutable: boolean;
}

let generated: NodeDef[] | undefined;

/** The generated node types (registered in model.ts the first time), in package order. */
export function realisticNodes(): NodeDef[] {
	if (generated) return generated;
	const random = prng(SEED);
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	const typeNames = new Set(NODES.map((n) => n.typeName));
	const drafts: Draft[] = [];
	for (const pkg of PACKAGES) {
		const fixed = Object.values(REALISTIC_DATA_TYPES).filter(
			(rt) => rt.startsWith(`${pkg}.`) && !rt.endsWith('Line'),
		);
		for (
			let index = 0;
			drafts.filter((d) => d.recordType.startsWith(`${pkg}.`)).length < NODES_PER_PACKAGE;
			index++
		) {
			const node = fixed[index]?.split('.')[1] ?? `${pick(HEADS)}${pick(MIDS)}${pick(TAILS)}`;
			if (typeNames.has(cap(node))) continue;
			typeNames.add(cap(node));
			const parent = draftNode(`${pkg}.${node}`, random, pick, drafts);
			drafts.push(parent);
			// Documents carry vital lines, as Sage's orders do.
			const wantsLines =
				node === REALISTIC_DATA_TYPES.document.split('.')[1] ||
				(/Order|Document|Receipt|Entry/.test(node) && random() < 0.6);
			if (wantsLines && !typeNames.has(`${cap(node)}Line`)) {
				typeNames.add(`${cap(node)}Line`);
				drafts.push(lineNode(parent, random, pick, drafts));
			}
		}
	}
	generated = drafts.map(toNodeDef);
	registerNodes(generated);
	return generated;
}

function toNodeDef(draft: Draft): NodeDef {
	const [pkg, node] = draft.recordType.split('.');
	const props = [...SYSTEM_PROPS, ...draft.props];
	return { ...draft, pkg, node, props, propMap: new Map(props.map((p) => [p.name, p])) };
}

type Pick = <T>(list: readonly T[]) => T;

function draftNode(recordType: string, random: () => number, pick: Pick, earlier: Draft[]): Draft {
	const node = recordType.split('.')[1];
	const isDocument = /Order|Document|Receipt|Entry|Request|Requisition/.test(node);
	const key = isDocument ? 'number' : 'id';
	const props: PropDef[] = [
		{ name: key, kind: 'string', required: true },
		{ name: 'name', kind: 'string' },
	];
	const wide = recordType === REALISTIC_DATA_TYPES.wide;
	// 20 to 60 properties, most nodes nearer 20 (as master data and settings are).
	const count = wide ? 60 : 20 + Math.floor(random() ** 2 * 40); // a document's lines make it one more
	const names = new Set([
		'_id',
		'_createStamp',
		'_updateStamp',
		'_updateTick',
		'_customData',
		key,
		'name',
		'lines',
		'document',
		'lineNumber',
	]);
	while (props.length < count) {
		const name = `${pick(FIELD_HEADS)}${pick(FIELD_TAILS)}`;
		if (names.has(name)) continue;
		names.add(name);
		props.push(draftProp(recordType, name, random, pick, earlier));
	}
	return { recordType, typeName: cap(node), props, naturalKey: [key], mutable: true };
}

/** One property: mostly scalars, some enums, some references to hand-written or earlier generated types. */
function draftProp(
	recordType: string,
	name: string,
	random: () => number,
	pick: Pick,
	earlier: Draft[],
): PropDef {
	const roll = random();
	if (roll < 0.3) return { name, kind: 'string' };
	if (roll < 0.4) return { name, kind: 'boolean' };
	if (roll < 0.5) return { name, kind: 'int' };
	if (roll < 0.65) return { name, kind: 'decimal' };
	if (roll < 0.75) return { name, kind: 'date' };
	if (roll < 0.83) {
		const values = ENUM_VALUES.slice(0, 3 + Math.floor(random() * 8));
		return {
			name,
			kind: 'enum',
			enumType: `${cap(recordType.split('.')[1])}${cap(name)}`,
			enumValues: values,
		};
	}
	// References point at master data (hand-written) or at types generated before this one.
	const targets =
		random() < 0.5 || !earlier.length
			? [
					'xtremMasterData.customer',
					'xtremMasterData.item',
					'xtremMasterData.currency',
					'xtremSystem.site',
				]
			: earlier.slice(-40).map((d) => d.recordType);
	return { name, kind: 'reference', target: pick(targets) };
}

/** The vital child of a document: `document` points back, `lineNumber` counts, as sales order lines do. */
function lineNode(parent: Draft, random: () => number, pick: Pick, earlier: Draft[]): Draft {
	const recordType = `${parent.recordType}Line`;
	parent.props.push({
		name: 'lines',
		kind: 'collection',
		target: recordType,
		parentRef: 'document',
	});
	const props: PropDef[] = [
		{ name: 'document', kind: 'reference', target: parent.recordType, readOnly: true },
		{ name: 'lineNumber', kind: 'int', readOnly: true },
	];
	const names = new Set(['document', 'lineNumber']);
	const count = 12 + Math.floor(random() * 14);
	while (props.length < count) {
		const name = `${pick(FIELD_HEADS)}${pick(FIELD_TAILS)}`;
		if (names.has(name) || name === 'lines') continue;
		names.add(name);
		const prop = draftProp(recordType, name, random, pick, earlier);
		props.push(
			prop.kind === 'reference' && prop.target === parent.recordType
				? { name, kind: 'string' }
				: prop,
		);
	}
	return {
		recordType,
		typeName: `${parent.typeName}Line`,
		props,
		naturalKey: ['document', 'lineNumber'],
		mutable: false,
	};
}

/** Deterministic records of the data-holding types (REALISTIC_RECORDS each, lines 1-3 per document). */
export function seedRealistic(store: TenantStore): void {
	realisticNodes();
	const random = prng(SEED ^ 0x1234);
	const stamps = {
		create: store.clock.now() - 30 * 24 * 3600 * 1000,
		update: store.clock.now() - 24 * 3600 * 1000,
	};
	for (const recordType of [REALISTIC_DATA_TYPES.wide, REALISTIC_DATA_TYPES.document]) {
		const def = nodeDef(recordType);
		for (let n = 1; n <= REALISTIC_RECORDS; n++) {
			const parent = store.insertRecord(recordType, valuesFor(def, n, random, store), stamps);
			if (recordType !== REALISTIC_DATA_TYPES.document) continue;
			const lineDef = nodeDef(REALISTIC_DATA_TYPES.lines);
			for (let line = 1; line <= 1 + (n % 3); line++) {
				store.insertRecord(
					REALISTIC_DATA_TYPES.lines,
					{ ...valuesFor(lineDef, line, random, store), document: parent._id, lineNumber: line },
					stamps,
				);
			}
		}
	}
}

/** Stored values of one record: keys `<TYPE>-<n>`, references to the seeded master data, null otherwise. */
function valuesFor(
	def: NodeDef,
	n: number,
	random: () => number,
	store: TenantStore,
): Record<string, unknown> {
	const values: Record<string, unknown> = {};
	for (const p of def.props) {
		if (p.readOnly || p.kind === 'collection' || p.name.startsWith('_')) continue;
		if (p.name === def.naturalKey[0])
			values[p.name] = `${def.typeName.toUpperCase()}-${String(n).padStart(4, '0')}`;
		else if (p.kind === 'string') values[p.name] = `${p.name} ${n}`;
		else if (p.kind === 'boolean') values[p.name] = random() < 0.5;
		else if (p.kind === 'int') values[p.name] = Math.floor(random() * 1000);
		else if (p.kind === 'decimal') values[p.name] = Math.round(random() * 1e6) / 100;
		else if (p.kind === 'date')
			values[p.name] =
				`2025-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + (n % 28)).padStart(2, '0')}`;
		else if (p.kind === 'enum') values[p.name] = p.enumValues![n % p.enumValues!.length];
		else if (p.kind === 'reference')
			values[p.name] = store.count(p.target!) ? ((n - 1) % store.count(p.target!)) + 1 : null;
	}
	return values;
}
