/**
 * The trigger takes "now" from Sage's stamps, never from this machine's clock: with Sage's
 * clock days ahead of (or behind) n8n's, activation still emits no history and every new
 * record still comes out once.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { poll, recordType, useTriggerEnv } from './fixture';

const SALES_ORDER = 'xtremSales.salesOrder';
const DAY = 24 * 3600 * 1000;
const env = useTriggerEnv({ seed: { customers: 20, items: 10, salesOrders: 30 } });

const parameters: INodeParameters = {
	recordType: recordType(SALES_ORDER),
	event: 'created',
	fields: '_id number status soldToCustomer { id }',
};

function insertOrder(reference: string): string {
	const order = env.sim
		.store()
		.insert(SALES_ORDER, { soldToCustomer: '#FR001', site: '#700', customerReference: reference });
	return String(order._id);
}

describe('Sage ERP Trigger and Sage’s clock', () => {
	afterEach(() => env.sim.clock.unfreeze());

	it('activated while Sage’s clock runs two days ahead: no history, then each new record once', async () => {
		env.sim.clock.advance(2 * DAY);
		// Written "in the future" as this machine sees it, but before the trigger was activated.
		insertOrder('history 1');
		insertOrder('history 2');
		const staticData: IDataObject = {};
		expect(await poll(env, parameters, staticData)).toEqual([]);
		expect(await poll(env, parameters, staticData)).toEqual([]);
		const fresh = insertOrder('new');
		const items = await poll(env, parameters, staticData);
		expect(items.map((item) => item._id)).toEqual([fresh]);
		expect(items[0]).toMatchObject({ soldToCustomer: { id: 'FR001' } });
		expect(await poll(env, parameters, staticData)).toEqual([]);
	});

	it('carries on when Sage’s clock is set back by a day; a stamp further back than the lookback window is not seen (a documented limit)', async () => {
		const staticData: IDataObject = {};
		expect(await poll(env, parameters, staticData)).toEqual([]);
		env.sim.clock.advance(-DAY);
		insertOrder('after the clock went back');
		expect(await poll(env, parameters, staticData)).toEqual([]);
		env.sim.clock.advance(DAY + 1000);
		const later = insertOrder('once the clock caught up');
		expect((await poll(env, parameters, staticData)).map((item) => item._id)).toEqual([later]);
		expect(await poll(env, parameters, staticData)).toEqual([]);
	});
});
