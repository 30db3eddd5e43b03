'use strict';
/** The GraphQL documents every subject of a comparison sends, so they all ask for the same thing. */

/** Customer fields read by every Get Many subject (our node's `fields`, the raw loop, the HTTP Request node). */
const CUSTOMER_FIELDS =
	'_id id name isActive email phone city creditLimit paymentTermDays _createStamp _updateStamp';

/** One page of customers; `$after` is the cursor of the previous page (null for the first). */
const CUSTOMER_PAGE_QUERY =
	'query CustomerPage($first: Int, $after: String) { xtremMasterData { customer { query(first: $first, after: $after) { ' +
	`pageInfo { endCursor hasNextPage } edges { node { ${CUSTOMER_FIELDS} } } } } } }`;

/** Where the connection sits in a CUSTOMER_PAGE_QUERY response. */
const customerConnection = (body) => body.data.xtremMasterData.customer.query;

/** Sales order creation, one order per request (what n8n's GraphQL node sends per item). */
const CREATE_ORDER_MUTATION =
	'mutation CreateOrder($data: SalesOrder_Input!) { xtremSales { salesOrder { create(data: $data) { _id number } } } }';

const ORDER_FIELDS = '_id number';

/** The order a webhook call or a generated item carries (natural keys of the simulator's seed). */
function sampleOrder(i) {
	return {
		soldToCustomer: '#FR001',
		site: '#700',
		customerReference: `BENCH-${i}`,
		lines: [{ item: '#ITEM-1', quantity: 1 + (i % 9) }],
	};
}

module.exports = {
	CUSTOMER_FIELDS,
	CUSTOMER_PAGE_QUERY,
	customerConnection,
	CREATE_ORDER_MUTATION,
	ORDER_FIELDS,
	sampleOrder,
};
