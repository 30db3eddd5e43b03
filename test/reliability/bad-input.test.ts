/**
 * The bad input catalogue: every kind of bad input, through the n8n engine, in one place
 * (some also have focused tests in test/node and test/transport). Each case asserts the
 * exact message, the item it names (`[item N]` and the error's itemIndex), that the node
 * gave no output and that nothing was written (the simulator's mutation counters and the
 * customer count do not move); unless marked `sent`, also that no request left (GraphQL or
 * token). Cases with several input items put the bad value in a later item: writes check
 * every item before the first request, so the good ones before it are not written either.
 * Answers Sage should never give (a hang, an oversized body, a token URL that is not
 * Sage's) are here too: they are input the node must refuse cleanly.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { secretGuard } from '../setup/secret-guard';
import {
	NODE_NAME,
	errorOf,
	outputOf,
	recordType,
	runNode,
	useNodeEnv,
	SAGE_SYNTAX,
} from '../node/fixture';

const env = useNodeEnv({ seed: { customers: 30, items: 10, salesOrders: 5 } });
const CUSTOMER = recordType('xtremMasterData.customer');
const get = {
	resource: 'record',
	operation: 'get',
	recordType: CUSTOMER,
	id: '={{ $json.id }}',
	fields: '_id id',
};
const getMany = {
	resource: 'record',
	operation: 'getMany',
	recordType: CUSTOMER,
	returnAll: true,
	fields: '_id id',
	...SAGE_SYNTAX,
};
const create = {
	resource: 'record',
	operation: 'create',
	recordType: CUSTOMER,
	data: '={{ $json.data }}',
	fields: '_id id',
};
const update = {
	resource: 'record',
	operation: 'update',
	recordType: CUSTOMER,
	id: '={{ $json.id }}',
	data: '={{ $json.data }}',
	fields: '_id id',
};
const remove = {
	resource: 'record',
	operation: 'delete',
	recordType: CUSTOMER,
	id: '={{ $json.id }}',
};
const query = { resource: 'graphql', operation: 'query', output: 'response' };
const mutation = { resource: 'graphql', operation: 'mutation', output: 'response' };
const CUSTOMERS_QUERY =
	'{ xtremMasterData { customer { query(first: 2) { edges { node { _id } } } } } }';
const RENAME =
	'mutation { xtremMasterData { customer { update(data: { _id: "1", name: "Renamed" }) { _id } } } }';

const good = (n: number): IDataObject => ({
	data: { id: `BAD${n}`, name: `Never written ${n}`, currency: '#EUR' },
});

let clientSerial = 0;
/** The credential pointed at a new app client of the simulator (no token cached for it yet), with these changes. */
function freshCredential(changes: IDataObject = {}) {
	clientSerial++;
	const client = {
		clientId: `catalogue-client-${clientSerial}`,
		clientSecret: `catalogue-secret-${clientSerial}-${Math.random().toString(36).slice(2)}`,
		tenantId: env.sim.defaultTenantId,
	};
	env.sim.addClient(client);
	const credential = { tokenUrl: env.sim.tokenUrl, ...client, requestFormat: 'json', ...changes };
	// Whatever is typed as a Client Secret must never show, right or wrong.
	secretGuard().registerSecret(client.clientSecret);
	if (typeof credential.clientSecret === 'string')
		secretGuard().registerSecret(credential.clientSecret);
	env.engine.setCredential('sageErpApi', credential);
}

interface BadInput {
	parameters: INodeParameters;
	/** Items "Input" emits; default one empty item. */
	input?: IDataObject[];
	/** Prepares the simulator or the credential; undone after the case. */
	setup?: () => void;
	/** The exact message of the node's error, `[item N]` included. */
	message: string;
	/** The item it names. */
	item: number;
	/**
	 * Set when requests are sent: Sage (or the token URL) is what finds the bad input, or the
	 * good items before it are reads, which go one item at a time. Otherwise nothing is sent.
	 */
	sent?: true;
}

const cases: Record<string, BadInput> = {};

// ---------------------------------------------------------------- GraphQL documents
cases['GraphQL Query: a syntax error names its line and column'] = {
	parameters: {
		...query,
		query: '{ xtremMasterData { customer { query(first: 2 { edges { node { _id } } } } } }',
	},
	message:
		'Query has a GraphQL syntax error at line 1, column 47: Expected Name, found "{". [item 0]',
	item: 0,
};
cases['GraphQL Query: a syntax error on a later line of a later item'] = {
	sent: true,
	parameters: { ...query, query: '={{ $json.document }}' },
	input: [
		{ document: CUSTOMERS_QUERY },
		{
			document:
				'query Customers {\n  xtremMasterData {\n    customer { query(first: 2) { edges { node { _id name } } }\n  }\n',
		},
	],
	message:
		'Query has a GraphQL syntax error at line 5, column 1: Expected Name, found <EOF>. [item 1]',
	item: 1,
};
cases['GraphQL Mutation: a syntax error names its line and column'] = {
	parameters: {
		...mutation,
		query:
			'mutation {\n  xtremMasterData { customer { update(data: { _id: "1" name: }) { _id } } }\n}',
	},
	message: 'Mutation has a GraphQL syntax error at line 2, column 62: Unexpected "}". [item 0]',
	item: 0,
};
cases['GraphQL Query given a mutation'] = {
	parameters: { ...query, query: RENAME },
	message:
		'The document is a mutation, but this is the Query operation; nothing was sent. [item 0]',
	item: 0,
};
cases['GraphQL Mutation given a query'] = {
	parameters: { ...mutation, query: CUSTOMERS_QUERY },
	message:
		'The document is a query, but this is the Mutation operation; nothing was sent. [item 0]',
	item: 0,
};
cases['GraphQL Query given a subscription'] = {
	parameters: { ...query, query: 'subscription Changes { customerChanged { _id } }' },
	message:
		'"Changes" is a subscription, but this is the Query operation; nothing was sent. [item 0]',
	item: 0,
};
cases['GraphQL: Operation Name that is not in the document'] = {
	parameters: {
		...query,
		query: `query A ${CUSTOMERS_QUERY} query B ${CUSTOMERS_QUERY}`,
		operationName: 'C',
	},
	message: 'Operation Name "C" is not an operation of Query; it has: A, B. [item 0]',
	item: 0,
};
cases['GraphQL: several operations and no Operation Name'] = {
	parameters: { ...query, query: `query A ${CUSTOMERS_QUERY} query B ${CUSTOMERS_QUERY}` },
	message: 'Query holds 2 operations (A, B); set Operation Name to choose one. [item 0]',
	item: 0,
};
cases['GraphQL: a field the schema does not have'] = {
	// Checked against the types the query selects into, before sending.
	parameters: {
		...query,
		query:
			'{ xtremMasterData { customer { query(first: 2) { edges { node { _id surname } } } } } }',
	},
	message:
		'Query: Cannot query field "surname" on type "Customer". Did you mean "name"? at line 1, column 69; nothing was sent. [item 0]',
	item: 0,
};
cases['GraphQL: Variables that are not JSON'] = {
	parameters: { ...query, query: CUSTOMERS_QUERY, variables: '{ "after": ' },
	message: 'Variables is not valid JSON: Unexpected end of JSON input [item 0]',
	item: 0,
};
cases['GraphQL: Variables that are a JSON array'] = {
	parameters: { ...query, query: CUSTOMERS_QUERY, variables: '[1, 2]' },
	message: 'Variables must be a JSON object, not an array [item 0]',
	item: 0,
};
cases['GraphQL: Variables from an expression that are a string'] = {
	parameters: { ...mutation, query: RENAME, variables: '={{ $json.variables }}' },
	input: [{ variables: {} }, { variables: 'after=1' }],
	message:
		'Variables is not valid JSON: Unexpected token \'a\', "after=1" is not valid JSON [item 1]',
	item: 1,
};
cases['GraphQL: a variable of the wrong type'] = {
	sent: true,
	parameters: {
		...query,
		query:
			'query Q($first: Int) { xtremMasterData { customer { query(first: $first) { edges { node { _id } } } } } }',
		variables: '{ "first": "many" }',
	},
	message:
		'Variable "$first" got invalid value "many"; Int cannot represent non-integer value: "many" [item 0]',
	item: 0,
};

/** What JSON.parse says about this text on the running Node.js. */
function jsonSyntaxError(text: string): string {
	try {
		JSON.parse(text);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error(`${text} is valid JSON`);
}

// ---------------------------------------------------------------- Data
cases['Create: Data that is not JSON'] = {
	parameters: { ...create, data: '{ "id": "X1", ' },
	// V8's own words (Node.js 22 added "(line 1 column 15)" after "at position 14").
	message: `Data is not valid JSON: ${jsonSyntaxError('{ "id": "X1", ')} [item 0]`,
	item: 0,
};
cases['Create: Data that is a JSON array, in a later item'] = {
	parameters: create,
	input: [good(1), { data: [{ id: 'X' }] }],
	message: 'Data must be a JSON object, not an array [item 1]',
	item: 1,
};
cases['Create: Data that is a number'] = {
	parameters: create,
	input: [good(2), good(3), { data: 42 }],
	message: 'Data must be a JSON object, not a number (42) [item 2]',
	item: 2,
};
cases['Create: Data that is null'] = {
	parameters: { ...create, data: 'null' },
	message: 'Data must be a JSON object, not null [item 0]',
	item: 0,
};
cases['Create: Data that is empty'] = {
	parameters: { ...create, data: '={{ "" }}' },
	message: 'Data is empty [item 0]',
	item: 0,
};
cases['Create: a value of the wrong type'] = {
	sent: true,
	parameters: create,
	input: [{ data: { id: 'BADT', name: 'x', currency: '#EUR', paymentTermDays: 'thirty' } }],
	message:
		'Data got invalid value "thirty" at "paymentTermDays"; Int cannot represent non-integer value: "thirty" [item 0]',
	item: 0,
};
cases['Create: a mandatory property missing'] = {
	sent: true,
	parameters: create,
	input: [{ data: { id: 'BADM', currency: '#EUR' } }],
	message:
		'Customer.name: the property is mandatory. (at xtremMasterData.customer.create) [item 0]',
	item: 0,
};
cases['Create: a reference to a natural key that does not exist'] = {
	sent: true,
	parameters: create,
	input: [{ data: { id: 'BADR', name: 'x', currency: '#XYZ' } }],
	message:
		"Customer.currency: invalid reference '#XYZ': no Currency record has this natural key. (at xtremMasterData.customer.create) [item 0]",
	item: 0,
};
cases['Update: Data naming another _id than ID'] = {
	parameters: update,
	input: [
		{ id: '1', data: { name: 'x' } },
		{ id: '#FR001', data: { _id: '5', name: 'x' } },
	],
	message: 'Data has _id "5" but ID is "#FR001" [item 1]',
	item: 1,
};

// ---------------------------------------------------------------- record type, fields, IDs, filters
cases['an unknown Record Type'] = {
	parameters: { ...get, recordType: recordType('xtremMasterData.customers') },
	input: [{ id: '1' }],
	message:
		'The record type "xtremMasterData.customers" does not exist in this Sage tenant. [item 0]',
	item: 0,
};
cases['an empty Record Type from an expression'] = {
	sent: true,
	parameters: { ...get, recordType: '={{ $json.type }}' },
	input: [
		{ id: '1', type: 'xtremMasterData.customer' },
		{ id: '1', type: '' },
	],
	message: 'Record Type is empty [item 1]',
	item: 1,
};
cases['a Record Type that cannot be created'] = {
	parameters: { ...create, recordType: recordType('xtremSales.salesOrderLine') },
	input: [{ data: { item: '#ITEM-1', quantity: 1 } }],
	message:
		'The record type xtremSales.salesOrderLine cannot be created through the API of this Sage tenant. [item 0]',
	item: 0,
};
cases['an unknown field in Fields'] = {
	parameters: { ...create, fields: '_id surname' },
	input: [good(4)],
	message: 'Fields: Cannot query field "surname" on type "Customer". Did you mean "name"? [item 0]',
	item: 0,
};
cases['Fields with a syntax error'] = {
	parameters: { ...getMany, fields: '_id currency { id' },
	message:
		'Fields has a GraphQL syntax error at line 1, column 18: Expected Name, found <EOF>. [item 0]',
	item: 0,
};
cases['Fields smuggling in a second operation'] = {
	parameters: { ...getMany, fields: '_id } mutation { x' },
	message: 'Fields must be a list of fields, not a GraphQL document. [item 0]',
	item: 0,
};
cases['Get: an unknown natural key, in a later item'] = {
	sent: true,
	parameters: get,
	input: [{ id: '#FR001' }, { id: '#NOPE' }],
	message: 'No xtremMasterData.customer record has the ID "#NOPE". [item 1]',
	item: 1,
};
cases['Update: an unknown natural key'] = {
	sent: true,
	parameters: update,
	input: [{ id: '#NOPE', data: { name: 'x' } }],
	message:
		"Customer: the record '#NOPE' was not found. (at xtremMasterData.customer.update) [item 0]",
	item: 0,
};
cases['Delete: an unknown natural key'] = {
	sent: true,
	parameters: remove,
	input: [{ id: '#NOPE' }],
	message:
		"Customer: the record '#NOPE' was not found. (at xtremMasterData.customer.delete) [item 0]",
	item: 0,
};
cases['Get: an _id that is not one'] = {
	sent: true,
	parameters: get,
	input: [{ id: 'abc' }],
	message:
		"Invalid _id 'abc': expected an integer _id or '#' followed by the natural key. (at xtremMasterData.customer.read) [item 0]",
	item: 0,
};
cases['Get: an empty ID, in a later item'] = {
	sent: true,
	parameters: get,
	input: [{ id: '1' }, { id: '' }],
	message: 'ID is empty [item 1]',
	item: 1,
};
cases['Delete: an empty ID, in a later item'] = {
	parameters: remove,
	input: [{ id: '#FR001' }, { id: '   ' }],
	message: 'ID is empty [item 1]',
	item: 1,
};
cases['Get Many: a malformed Filter'] = {
	sent: true,
	parameters: { ...getMany, filter: '{isActive:true' },
	message:
		'Invalid filter: unexpected end of input at position 14 (at xtremMasterData.customer.query) [item 0]',
	item: 0,
};
cases['Get Many: a Filter on an unknown property (checked against the schema, not sent)'] = {
	parameters: { ...getMany, filter: "{nope:'x'}" },
	message: "Unknown property 'nope' in Filter on xtremMasterData.customer. [item 0]",
	item: 0,
};
cases['Get Many: a Filter value of the wrong type'] = {
	sent: true,
	parameters: { ...getMany, filter: "{isActive:'yes'}" },
	message:
		'Invalid filter: property \'isActive\' of Customer expects true or false, got "yes" at position 10 (at xtremMasterData.customer.query) [item 0]',
	item: 0,
};
cases['Get Many: a malformed Order By'] = {
	sent: true,
	parameters: { ...getMany, orderBy: '{name:2}' },
	message:
		"Invalid orderBy: 'name' expects +1 or -1 at position 6 (at xtremMasterData.customer.query) [item 0]",
	item: 0,
};

// ---------------------------------------------------------------- options
cases['Get Many: a Page Size over Sage’s maximum'] = {
	parameters: { ...getMany, options: { pageSize: 1001 } },
	message: "Page Size 1001 is above Sage's maximum of 1000 rows per request [item 0]",
	item: 0,
};
cases['Get Many: a Limit of 0'] = {
	parameters: { ...getMany, returnAll: false, limit: 0 },
	message: 'Limit must be a whole number of 1 or more, not 0 [item 0]',
	item: 0,
};
cases['Create: a Batch Size over 100'] = {
	parameters: { ...create, options: { batchSize: 101 } },
	input: [good(5)],
	message: 'Batch Size must be a whole number from 1 to 100, not 101 [item 0]',
	item: 0,
};
cases['Create: a negative Timeout'] = {
	parameters: { ...create, options: { timeout: -5 } },
	input: [good(6)],
	message: 'Timeout must be a positive number of milliseconds, not -5 [item 0]',
	item: 0,
};

// ---------------------------------------------------------------- the credential and the token API
cases['a plain http:// Token URL on a non-local host'] = {
	parameters: get,
	input: [{ id: '1' }],
	setup: () => freshCredential({ tokenUrl: 'http://sage.example.com/v1/token' }),
	message:
		'The Token URL uses plain http:// on a non-local host (sage.example.com); nothing was sent. Use https://. [item 0]',
	item: 0,
};
cases['a Token URL that is not a URL'] = {
	parameters: get,
	input: [{ id: '1' }],
	setup: () => freshCredential({ tokenUrl: 'sage token' }),
	message: 'The Token URL "sage token" is not a valid URL. [item 0]',
	item: 0,
};
cases['a Token URL that answers an HTML page'] = {
	sent: true,
	parameters: get,
	input: [{ id: '1' }],
	setup: () => {
		freshCredential();
		env.sim.tokenEndpointMode('html');
	},
	message: 'The Token URL answered with an HTML page, not with Sage’s token API. [item 0]',
	item: 0,
};
cases['a Token URL that answers something that is not JSON'] = {
	sent: true,
	parameters: get,
	input: [{ id: '1' }],
	setup: () => {
		freshCredential();
		env.sim.tokenEndpointMode('nonJson');
	},
	message: 'The Token URL answered with something that is not JSON. [item 0]',
	item: 0,
};
cases['a Token URL that answers 200 without an access token'] = {
	sent: true,
	parameters: get,
	input: [{ id: '1' }],
	setup: () => {
		freshCredential();
		env.sim.tokenEndpointMode('noAccessToken');
	},
	message: 'The Token URL answered without an access token (no "accessToken" field). [item 0]',
	item: 0,
};
cases['a token response without a GraphQL URL'] = {
	sent: true,
	parameters: create,
	input: [good(7)],
	setup: () => {
		freshCredential();
		env.sim.tokenEndpointMode('noGraphqlUrl');
	},
	message:
		'The token response holds no GraphQL URL (urls.graphQL), so there is no tenant API to call. [item 0]',
	item: 0,
};
cases['a wrong Client Secret'] = {
	sent: true,
	parameters: create,
	input: [good(8)],
	setup: () => freshCredential({ clientSecret: 'not-the-secret-of-this-client' }),
	message: 'Sage refused the Client ID or Client Secret (HTTP 401). [item 0]',
	item: 0,
};
cases['a Tenant ID the client may not use'] = {
	sent: true,
	parameters: create,
	input: [good(9)],
	setup: () => freshCredential({ tenantId: 'other-tenant' }),
	message: 'Sage refused access to tenant "other-tenant" (HTTP 403). [item 0]',
	item: 0,
};

// ---------------------------------------------------------------- answers Sage should never give
// A hung answer never comes: only Options > Timeout can end these runs, so no clock is read.
cases['a hung answer ends at Options > Timeout'] = {
	sent: true,
	parameters: { ...get, options: { timeout: 300 } },
	input: [{ id: '1' }],
	setup: () => env.sim.faults().set({ hangNext: 1 }),
	message: 'Sage gave no complete answer to the GraphQL query within 300 ms. [item 0]',
	item: 0,
};
cases['a hung answer to a create ends at Options > Timeout; it is looked up, never sent again'] = {
	sent: true,
	parameters: { ...create, options: { timeout: 300 } },
	input: [good(10)],
	setup: () => env.sim.faults().set({ hangNext: 1 }),
	message:
		'The answer to the GraphQL mutation was lost after it was sent: no answer within 300 ms. Sage may or may not have applied it, so it was not sent again. ' +
		'Looked up afterwards by its natural key (id "BAD10"), it was not there, but Sage had not started answering, so it may still be creating it. [item 0]',
	item: 0,
};
cases['an oversized answer is not read'] = {
	sent: true,
	parameters: getMany,
	setup: () => env.sim.faults().set({ oversizeNext: { count: 1, bytes: 65 * 1024 * 1024 } }),
	message: 'The answer to the GraphQL query is larger than 64 MiB; it was not read. [item 0]',
	item: 0,
};

beforeAll(async () => {
	// The schema is cached from here on, so the cases' requests are their own.
	outputOf(await runNode(env, { ...get, id: '1' }));
});
afterEach(() => {
	env.sim.faults().clear();
	env.sim.tokenEndpointMode('normal');
	env.engine.setCredential('sageErpApi', {
		tokenUrl: env.sim.tokenUrl,
		...env.sim.client,
		requestFormat: 'json',
	});
});

const writes = () => {
	const { mutations } = env.sim.counters();
	return { ...mutations, customers: env.sim.store().count('xtremMasterData.customer') };
};
const requests = () => {
	const counters = env.sim.counters();
	// Schema requests are not what the item sends: a bad item may need types not loaded yet to be found bad.
	return {
		graphql: counters.graphqlRequests - counters.graphqlIntrospections,
		tokens:
			counters.exchanges +
			counters.exchangesRejected +
			counters.renewals +
			counters.renewalsRejected,
	};
};

test.each(Object.entries(cases))('%s', async (_, bad) => {
	bad.setup?.();
	const before = { writes: writes(), requests: requests() };
	const result = await runNode(env, bad.parameters, { input: bad.input });
	const error = errorOf(result);
	expect(error.message).toBe(bad.message);
	expect((error.context as { itemIndex?: number }).itemIndex).toBe(bad.item);
	expect(result.runData[NODE_NAME]?.[0]?.data).toBeUndefined();
	expect(writes()).toEqual(before.writes);
	if (!bad.sent) expect(requests()).toEqual(before.requests);
});
