/**
 * Deterministic seed data. The same sizes always give the same records (a
 * fixed PRNG seed, one PRNG stream per record type so that customer N is the
 * same whatever the number of customers), with stamps spread over the past
 * year relative to the simulated clock so "changed since yesterday" filters
 * find something.
 */
import { TenantStore } from './store';
import { todayIso } from './rules';

export interface SeedSizes {
	customers?: number;
	items?: number;
	salesOrders?: number;
}

export const DEFAULT_SEED: Required<SeedSizes> = { customers: 250, items: 50, salesOrders: 40 };

/** mulberry32: tiny, fast, good enough for test data and fault dice. */
export function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const DAY = 24 * 3600 * 1000;

export const COUNTRIES: [string, string, string][] = [
	// id, name, currency
	['FR', 'France', 'EUR'],
	['US', 'United States', 'USD'],
	['GB', 'United Kingdom', 'GBP'],
	['DE', 'Germany', 'EUR'],
	['ES', 'Spain', 'EUR'],
];
const CURRENCIES: [string, string, string, number][] = [
	['EUR', 'Euro', '€', 2],
	['USD', 'US Dollar', '$', 2],
	['GBP', 'Pound Sterling', '£', 2],
	['CHF', 'Swiss Franc', 'CHF', 2],
	['JPY', 'Yen', '¥', 0],
];
const UNITS: [string, string, number][] = [
	['EACH', 'each', 0],
	['KG', 'kilogram', 3],
	['L', 'liter', 3],
	['BOX', 'box', 0],
];
const SITES: [string, string, string, string][] = [
	['700', 'Chicago Distribution Center', 'US', 'USD'],
	['100', 'Lyon Plant', 'FR', 'EUR'],
	['200', 'Manchester Warehouse', 'GB', 'GBP'],
];
const CITIES: Record<string, string[]> = {
	FR: ['Paris', 'Lyon', 'Marseille', 'Lille', 'Nantes'],
	US: ['Chicago', 'Boston', 'Austin', 'Denver', 'Seattle'],
	GB: ['London', 'Leeds', 'Bristol', 'Manchester', 'Glasgow'],
	DE: ['Berlin', 'Hamburg', 'Munich', 'Cologne', 'Leipzig'],
	ES: ['Madrid', 'Barcelona', 'Valencia', 'Seville', 'Bilbao'],
};
const NAME_A = [
	'Acme',
	'Blue Harbor',
	'Cedar',
	'Delta',
	'Evergreen',
	'Falcon',
	'Granite',
	'Horizon',
	'Iris',
	'Juniper',
	'Keystone',
	'Lumen',
	'Maple',
	'Nova',
	'Orchid',
	'Pioneer',
	'Quartz',
	'Riverside',
	'Summit',
	'Tidewater',
	'Union',
	'Vertex',
	'Willow',
	'Zenith',
	'Ángel',
	'Größe',
];
const NAME_B = [
	'Industries',
	'Trading',
	'Supplies',
	'Logistics',
	'Foods',
	'Retail',
	'Manufacturing',
	'Distribution',
	'Partners',
	'Group',
	'Wholesale',
	'Labs',
];
const ITEM_A = [
	'Steel',
	'Copper',
	'Oak',
	'Glass',
	'Ceramic',
	'Carbon',
	'Nylon',
	'Rubber',
	'Brass',
	'Cotton',
];
const ITEM_B = [
	'Bolt',
	'Bracket',
	'Panel',
	'Valve',
	'Hinge',
	'Gasket',
	'Spring',
	'Cable',
	'Filter',
	'Bearing',
];
const ITEM_CATEGORIES = ['hardware', 'raw material', 'spare part', 'consumable'];

function pick<T>(rnd: () => number, list: T[]): T {
	return list[Math.floor(rnd() * list.length)];
}

/** Creation spread over the past year, growing with the index; updates after creation, 10% within the last day. */
function stamps(
	rnd: () => number,
	i: number,
	n: number,
	now: number,
): { create: number; update: number } {
	const create = now - Math.floor(((n - i + 1) / n) * 365 * DAY) + Math.floor(rnd() * 3600 * 1000);
	const recent = rnd() < 0.1;
	const update = recent
		? now - Math.floor(rnd() * DAY)
		: create + Math.floor(rnd() * Math.max(0, now - DAY - create));
	return {
		create: Math.min(create, now),
		update: Math.max(Math.min(update, now), Math.min(create, now)),
	};
}

export function seedTenant(store: TenantStore, sizes: SeedSizes = {}): void {
	const n = {
		customers: sizes.customers ?? DEFAULT_SEED.customers,
		items: sizes.items ?? DEFAULT_SEED.items,
		salesOrders: sizes.salesOrders ?? DEFAULT_SEED.salesOrders,
	};
	const now = store.clock.now();
	const old = { create: now - 400 * DAY, update: now - 400 * DAY };
	const id = (recordType: string, key: string): number => store.resolveRef(recordType, '#' + key)!;

	for (const [cid, name] of COUNTRIES)
		store.insertRecord('xtremStructure.country', { id: cid, name }, old);
	for (const [cid, name, symbol, decimalDigits] of CURRENCIES)
		store.insertRecord('xtremMasterData.currency', { id: cid, name, symbol, decimalDigits }, old);
	for (const [uid, name, decimalDigits] of UNITS)
		store.insertRecord('xtremMasterData.unitOfMeasure', { id: uid, name, decimalDigits }, old);
	for (const [sid, name, country, currency] of SITES)
		store.insertRecord(
			'xtremSystem.site',
			{
				id: sid,
				name,
				isActive: true,
				country: id('xtremStructure.country', country),
				currency: id('xtremMasterData.currency', currency),
			},
			old,
		);

	// Items ITEM-1..ITEM-n
	const ri = prng(0x17e5);
	const unitIds = UNITS.map(([u]) => id('xtremMasterData.unitOfMeasure', u));
	for (let i = 1; i <= n.items; i++) {
		const name = `${pick(ri, ITEM_A)} ${pick(ri, ITEM_B)} ${i}`;
		store.insertRecord(
			'xtremMasterData.item',
			{
				id: `ITEM-${i}`,
				name,
				description: `${name} (seeded)`,
				isActive: ri() < 0.9,
				category: pick(ri, ITEM_CATEGORIES),
				stockUnit: i === 1 ? unitIds[0] : pick(ri, unitIds),
				basePrice: Math.round((1 + ri() * 499) * 100) / 100,
				weight: Math.round(ri() * 50000) / 1000,
			},
			stamps(ri, i, n.items, now),
		);
	}

	// Customers: country cycles FR, US, GB, DE, ES; ids FR001, US001, ..., FR002, ...
	const rc = prng(0xc057);
	const width = Math.max(3, String(Math.ceil(n.customers / COUNTRIES.length)).length);
	const currencyOf = new Map(
		COUNTRIES.map(([c, , cur]) => [c, id('xtremMasterData.currency', cur)]),
	);
	const usd = id('xtremMasterData.currency', 'USD');
	for (let i = 1; i <= n.customers; i++) {
		const [country] = COUNTRIES[(i - 1) % COUNTRIES.length];
		const cid = `${country}${String(Math.floor((i - 1) / COUNTRIES.length) + 1).padStart(width, '0')}`;
		const name = `${pick(rc, NAME_A)} ${pick(rc, NAME_B)}`;
		const countryId = id('xtremStructure.country', country);
		const st = stamps(rc, i, n.customers, now);
		const be = store.insertRecord(
			'xtremMasterData.businessEntity',
			{
				id: cid,
				name,
				isActive: true,
				taxIdNumber: `${country}${100000000 + Math.floor(rc() * 899999999)}`,
				country: countryId,
			},
			st,
		);
		const slug = name
			.normalize('NFD')
			.replace(/[\u0300-\u036f]/g, '')
			.toLowerCase()
			.replace(/[^a-z]+/g, '-');
		store.insertRecord(
			'xtremMasterData.customer',
			{
				id: cid,
				name,
				isActive: i <= 3 ? true : rc() < 0.85,
				email: i === 4 ? null : rc() < 0.9 ? `contact${i}@${slug}.example` : null,
				phone: `+${100 + (i % 800)} ${String(1000000 + Math.floor(rc() * 8999999))}`,
				city: pick(rc, CITIES[country]),
				country: countryId,
				currency: rc() < 0.05 ? usd : currencyOf.get(country)!,
				businessEntity: be._id,
				creditLimit: Math.floor(rc() * 101) * 500,
				paymentTermDays: pick(rc, [0, 15, 30, 45, 60]),
			},
			st,
		);
	}

	// Sales orders SO000001..: the first six cover every status; lines 1..4 each.
	const ro = prng(0x5a1e);
	const statuses = ['shipped', 'pending', 'partiallyShipped', 'quote', 'inProgress', 'closed'];
	const weighted = [
		'pending',
		'pending',
		'inProgress',
		'shipped',
		'shipped',
		'partiallyShipped',
		'closed',
		'quote',
	];
	const siteIds = SITES.map(([s]) => id('xtremSystem.site', s));
	for (let i = 1; i <= n.salesOrders && n.customers > 0 && n.items > 0; i++) {
		const customerId = 1 + Math.floor(ro() * n.customers);
		const customer = store.getRecord('xtremMasterData.customer', customerId)!;
		const st = stamps(ro, i, n.salesOrders, now);
		const order = store.insertRecord(
			'xtremSales.salesOrder',
			{
				number: `SO${String(i).padStart(6, '0')}`,
				soldToCustomer: customerId,
				site: pick(ro, siteIds),
				currency: customer.currency,
				orderDate: todayIso(st.create),
				status: i <= statuses.length ? statuses[i - 1] : pick(ro, weighted),
				customerReference: `PO-${10000 + Math.floor(ro() * 89999)}`,
				totalAmountExcludingTax: 0,
			},
			st,
		);
		const lines = 1 + Math.floor(ro() * 4);
		for (let l = 1; l <= lines; l++) {
			const itemId = 1 + Math.floor(ro() * n.items);
			const item = store.getRecord('xtremMasterData.item', itemId)!;
			store.insertRecord(
				'xtremSales.salesOrderLine',
				{
					document: order._id,
					lineNumber: l,
					item: itemId,
					quantity: 1 + Math.floor(ro() * 100),
					netPrice: item.basePrice,
				},
				st,
			);
		}
	}
	store.orderNumberSeq = n.salesOrders + 1;
}
