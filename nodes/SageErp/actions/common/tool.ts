import { getNamedType, isLeafType, isNonNullType } from 'graphql';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { scalarFieldNames } from '../../../../sage-client/schema/schema';
import { toNodeError, type NodeError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import { byInputItem, RECORD_OUTPUT_OPERATIONS } from './items';
import { readReturnFields } from './return-fields';

/**
 * The node as an AI agent's tool (n8n names that variant `<package>.sageErpTool`). What a
 * model reads is its context, so a tool answer stays small and says in words what happened:
 * - records come back compact unless Fields are set: `_id`, the natural key, name-like fields;
 * - an empty answer is one item saying so (n8n hands a model `""` for a tool without items);
 * - an error carries its hint in the message (n8n's agent hands the model only the message).
 */

/** How a model is told the filter syntax wherever it may write one. */
export const FILTER_SYNTAX =
	"a Sage filter with unquoted keys and single-quoted strings, e.g. {isActive:true, name:{_regex:'^A'}}; operators _eq _ne _gt _gte _lt _lte _in _regex _or _not; a reference by its key, e.g. {country:{id:'FR'}}";

const TOOL_DESCRIPTIONS: Array<{ resource: string; operation: string; text: string }> = [
	{
		resource: 'record',
		operation: 'get',
		text: 'Reads one Sage ERP record of the record type this tool is set to, by its _id (e.g. 599) or its natural key after a # (e.g. #FR001). Answers its _id, key and name unless Fields name others (a GraphQL selection such as _id name currency { id }).',
	},
	{
		resource: 'record',
		operation: 'getMany',
		text: `Finds Sage ERP records of the record type this tool is set to. The filter is ${FILTER_SYNTAX}. Order, e.g. {name:+1}. Answers one object per record with its _id, key and name unless Fields name others (a GraphQL selection such as _id name currency { id }), or a message when nothing matches.`,
	},
	{
		resource: 'record',
		operation: 'create',
		text: 'Creates one Sage ERP record of the record type this tool is set to, from a JSON object of its values. References are natural keys after a # or _ids, e.g. {"soldToCustomer":"#FR001"}; collections are lists of objects. Answers the new record’s _id and key.',
	},
	{
		resource: 'record',
		operation: 'update',
		text: 'Changes one Sage ERP record of the record type this tool is set to, found by its _id or its natural key after a # (e.g. #FR001), with a JSON object of the values to change. Answers the record’s _id and key.',
	},
	{
		resource: 'record',
		operation: 'delete',
		text: 'Deletes one Sage ERP record of the record type this tool is set to, by its _id or its natural key after a # (e.g. #FR001). Answers {"_id": ..., "deleted": true}.',
	},
	{
		resource: 'record',
		operation: 'upsert',
		text: 'Creates or updates one Sage ERP record of the record type this tool is set to, from a JSON object of its values: the record whose Match On fields have the same values is updated, otherwise one is created. Answers the record’s _id, key and _operation (created or updated).',
	},
	{
		resource: 'record',
		operation: 'updateMany',
		text: `Changes every Sage ERP record of the record type this tool is set to that matches a filter, in one transaction, with a JSON object of the values to set. The filter is ${FILTER_SYNTAX}. Answers how many records changed.`,
	},
	{
		resource: 'record',
		operation: 'aggregate',
		text: `Counts and sums Sage ERP records of the record type this tool is set to, optionally grouped and filtered. The filter is ${FILTER_SYNTAX}. Answers one object per group with its values.`,
	},
	{
		resource: 'record',
		operation: 'describe',
		text: 'Lists the fields of the Sage ERP record type this tool is set to, one object per field: its name, label, type, whether it is required on create, the record type a reference points to and its key (write a reference as # and that key, e.g. "#EUR"), enum values, and whether it is a collection of lines. Call it first, before finding, filtering, creating or updating records of this type, to use the right field names and values.',
	},
	{
		resource: 'asyncOperation',
		operation: 'startAndWait',
		text: 'Starts a Sage ERP asynchronous operation (such as a report) with a JSON object of its arguments and waits for its result.',
	},
	{
		resource: 'asyncOperation',
		operation: 'start',
		text: 'Starts a Sage ERP asynchronous operation (such as a report) with a JSON object of its arguments. Answers its trackingId at once, for the Get Status tool.',
	},
	{
		resource: 'asyncOperation',
		operation: 'getStatus',
		text: 'Reads how a started Sage ERP asynchronous operation is doing, by its trackingId. Answers its state (running, succeeded, failed) and, once it succeeded, its result.',
	},
	{
		resource: 'graphql',
		operation: 'query',
		text: 'Runs a GraphQL query against Sage ERP and answers the records it finds.',
	},
	{
		resource: 'graphql',
		operation: 'mutation',
		text: 'Runs a GraphQL mutation against Sage ERP and answers its result.',
	},
];

/**
 * The tool's Description, one default per operation, shown only in the tool variant
 * (`@tool`). Declaring `toolDescription` keeps n8n from adding its own, whose automatic
 * text ("Get many records in Sage ERP") tells a model neither the filter syntax nor what
 * comes back. Plain text, no expression: n8n 1.x hands the text to the model unevaluated.
 */
export const toolDescriptionProperties: INodeProperties[] = TOOL_DESCRIPTIONS.map(
	({ resource, operation, text }) => ({
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		typeOptions: { rows: 3 },
		displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
		description:
			'What the AI agent reads about this tool: what it does, what to pass and what comes back',
	}),
);

/**
 * Whether n8n runs this execution as an AI agent's tool. n8n 2.x answers through
 * isToolExecution() when it calls the tool in-process (MCP Server Trigger, an agent inside
 * a tool); its Agent 3 runs tools as ordinary executions, where only the node type tells,
 * and n8n 1.x has no isToolExecution at all.
 */
export function runsAsTool(context: IExecuteFunctions): boolean {
	const isToolExecution = (context as { isToolExecution?: () => boolean }).isToolExecution;
	if (typeof isToolExecution === 'function' && isToolExecution.call(context) === true) return true;
	return context.getNode().type.endsWith('Tool');
}

// `_id`, the natural key (the first of `id`, `number`, `code` in Sage's schema) and names.
const COMPACT_FIELD = /^(_id|id|number|code|name|title)$|[a-z]Name$/;
// What the node itself adds to an item: never dropped.
const NODE_FIELDS = new Set([
	'_diagnoses',
	'_operation',
	'_recoveredAfterLostAnswer',
	'deleted',
	'error',
	'outcomeUnknown',
]);
/** A record with only its compact fields: what a model needs to name it and ask for more. */
export function compactRecord(json: IDataObject): IDataObject {
	const compact: IDataObject = {};
	for (const [key, value] of Object.entries(json)) {
		if (COMPACT_FIELD.test(key) || NODE_FIELDS.has(key)) compact[key] = value;
	}
	return compact;
}

/** The operation's output as a tool answers it: compact records, and never nothing. */
export function toolOutput(
	context: IExecuteFunctions,
	output: INodeExecutionData[],
	{ resource, operation }: { resource: string; operation: string },
): INodeExecutionData[] {
	if (!output.length)
		return [{ json: nothingFound(context, resource, operation), pairedItem: { item: 0 } }];
	if (resource !== 'record' || !RECORD_OUTPUT_OPERATIONS.has(operation)) return output;
	const fieldsSet = byInputItem((itemIndex) => readReturnFields(context, itemIndex) !== '');
	return output.map((item) =>
		fieldsSet(item) ? item : { ...item, json: compactRecord(item.json) },
	);
}

function nothingFound(
	context: IExecuteFunctions,
	resource: string,
	operation: string,
): IDataObject {
	if (resource === 'record' && operation === 'getMany') {
		const recordType = String(
			context.getNodeParameter('recordType', 0, '', { extractValue: true }) ?? '',
		);
		const filter = context.getNodeParameter('filter', 0, '') as unknown;
		const filterText = typeof filter === 'string' ? filter.trim() : JSON.stringify(filter ?? '');
		return {
			count: 0,
			message: filterText
				? `No ${recordType} record matches the filter ${filterText}.`
				: `There is no ${recordType} record.`,
		};
	}
	return { count: 0, message: 'Sage answered with no records.' };
}

/**
 * The error as a tool reports it: n8n's Agent 3 hands the model `{ error: message }` and
 * drops the description, so the hint (what to pass instead) moves into the message, and
 * what a model cannot guess goes with it: the filter syntax, the record type's field names.
 */
export async function toolError(
	context: IExecuteFunctions,
	error: unknown,
	{ operation, session }: { operation: string; session?: SageSession },
): Promise<NodeError> {
	const nodeError = toNodeError(context.getNode(), error);
	const hint = typeof nodeError.description === 'string' ? nodeError.description.trim() : '';
	if (hint && !nodeError.message.includes(hint)) nodeError.message = `${nodeError.message} ${hint}`;
	if (
		operation === 'getMany' &&
		/filter/i.test(nodeError.message) &&
		!nodeError.message.includes(FILTER_SYNTAX)
	) {
		nodeError.message = `${nodeError.message} Write the filter as ${FILTER_SYNTAX}.`;
	}
	if (/^Fields\b/.test(nodeError.message) && session) {
		const fields = await fieldList(context, session);
		if (fields) nodeError.message = `${nodeError.message} ${fields}`;
	}
	// Cleared, or n8n's in-process tool call appends it to the message a second time.
	nodeError.description = null;
	return nodeError;
}

// A long list costs a model's context; a real Sage record type has a few hundred fields at most.
const MAX_LISTED_FIELDS = 150;

/** "Fields of pkg.node: _id id name ...; references, each with sub-fields such as { id }: currency ..." */
async function fieldList(
	context: IExecuteFunctions,
	session: SageSession,
): Promise<string | undefined> {
	const recordType = String(
		context.getNodeParameter('recordType', 0, '', { extractValue: true }) ?? '',
	).trim();
	let schema;
	try {
		schema = await session.recordSchema({ recordType });
	} catch {
		return undefined; // the error at hand says more than a failed schema request would
	}
	const info = schema.recordType(recordType);
	if (!info) return undefined;
	const references = Object.values(info.recordObject.getFields())
		.filter((field) => !isLeafType(getNamedType(field.type)))
		.filter(
			(field) =>
				!field.args.some((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined),
		)
		.map((field) => field.name);
	const text = `Fields of ${recordType}: ${listed(scalarFieldNames(info.recordObject))}`;
	return references.length
		? `${text}; references, each with sub-fields such as { id }: ${listed(references)}.`
		: `${text}.`;
}

function listed(names: string[]): string {
	const shown = names.slice(0, MAX_LISTED_FIELDS).join(' ');
	return names.length > MAX_LISTED_FIELDS
		? `${shown} (and ${names.length - MAX_LISTED_FIELDS} more)`
		: shown;
}
