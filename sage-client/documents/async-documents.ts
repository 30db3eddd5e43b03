import {
	getNamedType,
	isLeafType,
	isNonNullType,
	isObjectType,
	parse,
	print,
	validate,
} from 'graphql';

import {
	trackingArgument,
	trackingScalars,
	type AsyncOperationInfo,
} from '../schema/async-operations';
import { SageDocumentError } from '../transport/errors';
import { scalarFieldNames, type SageSchema } from '../schema/schema';
import { parseSelection, type BuiltDocument } from './record-documents';

/** The two documents of an asynchronous operation: its start (a mutation) and its tracking. */

export interface StartDocument extends BuiltDocument {
	variables: Record<string, unknown>;
}

/**
 * `mutation SageErpAsyncStart($reportName: String!) { pkg { node { op { start(reportName: $reportName) { trackingId } } } } }`,
 * declaring only the arguments given, each typed as the schema types it. An argument the
 * operation does not take, or a required one left out, is refused before sending. A value
 * given as an object or list for a String argument goes as its JSON text (Sage takes
 * filters and settings as JSON in strings).
 */
export function buildStartDocument(
	schema: SageSchema,
	info: AsyncOperationInfo,
	given: Record<string, unknown>,
): StartDocument {
	const known = info.start.args;
	const unknown = Object.keys(given).filter((name) => !known.some((arg) => arg.name === name));
	const takes = known.length
		? `it takes ${known.map((arg) => arg.name).join(', ')}`
		: 'it takes none';
	if (unknown.length) {
		throw new SageDocumentError(
			`Arguments: ${info.name} takes no argument ${unknown.map((name) => `"${name}"`).join(', ')}; ${takes}.`,
			'Give the arguments of the start mutation as a JSON object, e.g. { "reportName": "customerList" }.',
			'Arguments',
		);
	}
	const missing = known.filter(
		(arg) =>
			isNonNullType(arg.type) &&
			arg.defaultValue === undefined &&
			(given[arg.name] === undefined || given[arg.name] === null),
	);
	if (missing.length) {
		throw new SageDocumentError(
			`Arguments: ${missing.map((arg) => `"${arg.name}"`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required by ${info.name}.`,
			`Add ${missing.map((arg) => `"${arg.name}"`).join(', ')} to Arguments; ${takes}.`,
			'Arguments',
		);
	}
	const used = known.filter((arg) => given[arg.name] !== undefined);
	const variables: Record<string, unknown> = {};
	for (const arg of used) {
		const value = given[arg.name];
		const textual =
			getNamedType(arg.type).name === 'String' && typeof value === 'object' && value !== null;
		variables[arg.name] = textual ? JSON.stringify(value) : value;
	}
	const declarations = used.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
	const call = used.length ? `(${used.map((arg) => `${arg.name}: $${arg.name}`).join(', ')})` : '';
	const operationName = 'SageErpAsyncStart';
	const text =
		`mutation ${operationName}${declarations ? `(${declarations})` : ''} { ${info.packageName} { ${info.nodeName} { ${info.operationName} { ` +
		`start${call} { trackingId } } } } }`;
	checkBuilt(schema, text, 'Arguments', `Check the Arguments of ${info.name}.`);
	return {
		text,
		operationName,
		variables,
		path: [info.packageName, info.nodeName, info.operationName, 'start'],
	};
}

export interface TrackDocument extends BuiltDocument {
	/** The variable holding the tracking ID. */
	trackingVariable: string;
}

/**
 * `query SageErpAsyncTrack($trackingId: String!) { pkg { node { op { track(trackingId: $trackingId) { status errorMessage result { ... } } } } } }`:
 * every scalar field of the tracking answer, and `result` with Result Fields (empty: every
 * scalar field of the result).
 */
export function buildTrackDocument(
	schema: SageSchema,
	info: AsyncOperationInfo,
	resultFields: string,
): TrackDocument {
	const argument = trackingArgument(info);
	const resultField = info.tracking.getFields().result;
	const resultType = resultField && getNamedType(resultField.type);
	let result = '';
	if (resultType && isObjectType(resultType)) {
		result = resultFields.trim()
			? `result ${print(parseSelection(resultFields, 'Result Fields'))}`
			: `result { ${scalarFieldNames(resultType).join(' ')} }`;
	} else if (resultType && isLeafType(resultType)) {
		result = 'result';
	}
	const operationName = 'SageErpAsyncTrack';
	const keyword = info.trackRoot === 'query' ? 'query' : 'mutation';
	const text =
		`${keyword} ${operationName}($trackingId: ${String(argument.type)}) { ${info.packageName} { ${info.nodeName} { ${info.operationName} { ` +
		`track(${argument.name}: $trackingId) { ${[...trackingScalars(info), result].filter(Boolean).join(' ')} } } } } }`;
	checkBuilt(
		schema,
		text,
		'Result Fields',
		`Leave Result Fields empty to get every scalar field of the result, or use the fields of ${resultType?.name ?? 'the result'} as the schema names them.`,
	);
	return {
		text,
		operationName,
		trackingVariable: 'trackingId',
		path: [info.packageName, info.nodeName, info.operationName, 'track'],
	};
}

function checkBuilt(schema: SageSchema, text: string, label: string, hint: string): void {
	const errors = validate(schema.schema, parse(text));
	if (errors.length)
		throw new SageDocumentError(
			`${label}: ${errors.map((error) => error.message).join(' ')}`,
			hint,
			label,
		);
}
