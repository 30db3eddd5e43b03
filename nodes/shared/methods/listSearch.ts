import type {
	ILoadOptionsFunctions,
	INodeListSearchItems,
	INodeListSearchResult,
} from 'n8n-workflow';

import { labelOf } from '../../../sage-client/fields/labels';
import { toNodeError } from '../errors';
import { SageSession } from '../session';

/** Names per page of a list: a real tenant has about a thousand record types. */
const NAMES_PER_PAGE = 100;

/**
 * The tenant's record types: the Record Type list, each as people say it with Sage's name
 * beside it ("Sales Order (xtremSales.salesOrder)"; the value is `package.node`), sorted by
 * what is shown. The filter matches anywhere in either, case-insensitively; the list comes in
 * pages (`paginationToken` is where the next page starts). The names come from one small
 * request kept for the process (record-type-index.ts), never from the whole schema.
 */
export async function searchRecordTypes(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchNames(
		this,
		'record types',
		async (session) => await session.recordTypeNames(),
		(name) => labelOf(name.split('.')[1] ?? name),
		filter,
		paginationToken,
	);
}

/**
 * The tenant's asynchronous operations (`package.node.operation`, start -> track), shown as
 * "Report: Generate Report Pdf (xtremReporting.report.generateReportPdf)", found by shape in
 * a few small requests kept for the process (async-operation-index.ts), never from the
 * whole schema.
 */
export async function searchAsyncOperations(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await searchNames(
		this,
		'asynchronous operations',
		async (session) => await session.asyncOperationNames(),
		(name) => {
			const [, node = '', operation = ''] = name.split('.');
			return `${labelOf(node)}: ${labelOf(operation)}`;
		},
		filter,
		paginationToken,
	);
}

async function searchNames(
	context: ILoadOptionsFunctions,
	what: string,
	names: (session: SageSession) => Promise<string[]>,
	label: (name: string) => string,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	let all: string[];
	try {
		all = await names(await SageSession.open(context));
	} catch (error) {
		// The one mapping of client errors (secrets scrubbed, socket codes in words), as everywhere.
		throw toNodeError(context.getNode(), error, { doing: `Could not list the ${what}` });
	}
	const wanted = (filter ?? '').trim().toLowerCase();
	const shown = listed(all, label);
	const matching = wanted
		? shown.filter((item) => item.name.toLowerCase().includes(wanted))
		: shown;
	const start = Math.max(0, Number.parseInt(paginationToken ?? '0', 10) || 0);
	const end = start + NAMES_PER_PAGE;
	const results: INodeListSearchItems[] = matching.slice(start, end);
	return end < matching.length ? { results, paginationToken: String(end) } : { results };
}

/** Each name as shown, sorted by it; made once per list of names (a real tenant has a thousand). */
const shownLists = new WeakMap<string[], INodeListSearchItems[]>();
function listed(names: string[], label: (name: string) => string): INodeListSearchItems[] {
	let shown = shownLists.get(names);
	if (!shown) {
		shown = names
			.map((name) => ({ name: `${label(name)} (${name})`, value: name }))
			.sort((a, b) => a.name.localeCompare(b.name));
		shownLists.set(names, shown);
	}
	return shown;
}
