import type { IBinaryData, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { AsyncOperationInfo } from '../../../../sage-client/schema/async-operations';
import type { Diagnosis } from '../../../../sage-client/transport/graphql';
import {
	buildStartDocument,
	buildTrackDocument,
	type TrackDocument,
} from '../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../sage-client/transport/errors';
import type { SageSchema } from '../../../../sage-client/schema/schema';
import { inputError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import { isObject, valueAt } from '../common/items';
import type { DiagnosisReport } from '../common/diagnoses';
import { fileOf } from './file';

/**
 * What Start and Wait, Start and Get Status share: the operation's parameters, its start
 * mutation, one status request, and the file a finished result names.
 */

export const asyncOperationLocator: INodeProperties = {
	displayName: 'Asynchronous Operation',
	name: 'asyncOperation',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The operation, as package.node.operation (e.g. xtremReporting.report.generateReportPdf), from the tenant’s schema',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select an operation...',
			typeOptions: { searchListMethod: 'searchAsyncOperations', searchable: true },
		},
		{
			displayName: 'By Name',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. xtremReporting.report.generateReportPdf',
		},
	],
};

export const argumentsProperty: INodeProperties = {
	displayName: 'Arguments',
	name: 'arguments',
	type: 'json',
	default: '{}',
	placeholder: '{ "reportName": "customerList" }',
	description:
		'The arguments of its start mutation, as a JSON object. An object given for a text argument (a filter, settings) goes as its JSON text.',
};

export const resultFieldsProperty: INodeProperties = {
	displayName: 'Result Fields',
	name: 'resultFields',
	type: 'string',
	default: '',
	placeholder: 'e.g. filename mimeType downloadUrl',
	description:
		'The fields of the result to return, written as a GraphQL selection. Empty = every scalar field of the result.',
};

export const fileOptions: INodeProperties[] = [
	{
		displayName: 'Download File',
		name: 'downloadFile',
		type: 'boolean',
		default: true,
		description:
			'Whether to download the file the result names (its downloadUrl) and output it as binary data',
	},
	{
		displayName: 'Put Output File in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		description: 'The binary field of the output item that holds the file',
	},
];

/** Asynchronous Operation, checked: `package.node.operation`. */
export function readOperationName(context: IExecuteFunctions, itemIndex: number): string {
	const name = String(
		context.getNodeParameter('asyncOperation', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (!name) {
		throw inputError(
			context.getNode(),
			'Asynchronous Operation is empty',
			itemIndex,
			'Pick an operation from the list, or type it as package.node.operation (e.g. xtremReporting.report.generateReportPdf).',
		);
	}
	return name;
}

export interface FileSettings {
	download: boolean;
	binaryProperty: string;
}

/** Download File and Put Output File in Field, checked. */
export function readFileSettings(context: IExecuteFunctions, itemIndex: number): FileSettings {
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		downloadFile?: boolean;
		binaryPropertyName?: string;
	};
	const binaryProperty = (options.binaryPropertyName ?? 'data').trim();
	if (!binaryProperty)
		throw inputError(
			context.getNode(),
			'Put Output File in Field is empty',
			itemIndex,
			'Name the binary field for the file, e.g. data.',
		);
	return { download: options.downloadFile !== false, binaryProperty };
}

/** An operation as one execution uses it: its schema, where it is in it, its track document. */
export interface PreparedOperation {
	schema: SageSchema;
	info: AsyncOperationInfo;
	track: TrackDocument;
}

/**
 * The operations of one execution, each prepared once per name and Result Fields: the
 * schema is planned and the track document built for the first item, not for every one.
 */
export class PreparedOperations {
	private readonly prepared = new Map<string, PreparedOperation>();

	constructor(private readonly session: SageSession) {}

	async get(name: string, resultFields: string, timeoutMs?: number): Promise<PreparedOperation> {
		const key = `${name}\n${resultFields}`;
		let operation = this.prepared.get(key);
		if (!operation) {
			const { schema, info } = await this.session.asyncOperationSchema(
				{ name, resultFields },
				timeoutMs,
			);
			operation = { schema, info, track: buildTrackDocument(schema, info, resultFields) };
			this.prepared.set(key, operation);
		}
		return operation;
	}
}

/** Sends the operation's start mutation and gives its tracking ID. */
export async function startOperation(
	session: SageSession,
	diagnoses: DiagnosisReport,
	itemIndex: number,
	start: Pick<PreparedOperation, 'schema' | 'info'>,
	request: { args: IDataObject; timeoutMs?: number },
): Promise<string> {
	const document = buildStartDocument(start.schema, start.info, request.args);
	const started = await session.execute({
		query: document.text,
		operationName: document.operationName,
		variables: document.variables,
		isMutation: true,
		timeoutMs: request.timeoutMs,
	});
	diagnoses.note(started.diagnoses, itemIndex);
	if (started.errors.length)
		throw new SageAnswerError(started.errors, started.data, started.diagnoses);
	const trackingId = valueAt(started.data, [...document.path, 'trackingId']);
	if ((typeof trackingId !== 'string' || !trackingId) && typeof trackingId !== 'number') {
		throw new SageResponseError(
			`Sage started ${start.info.name} but gave no tracking ID to follow it by.`,
		);
	}
	return String(trackingId);
}

/** One status request: the tracking answer (`status`, `result`, ...). */
export async function pollOnce(
	session: SageSession,
	track: TrackDocument,
	trackingId: string,
	timeoutMs?: number,
): Promise<{ tracking: IDataObject; diagnoses: Diagnosis[] }> {
	const result = await session.execute({
		query: track.text,
		operationName: track.operationName,
		variables: { [track.trackingVariable]: trackingId },
		isMutation: false,
		timeoutMs,
	});
	if (result.errors.length) throw new SageAnswerError(result.errors, result.data, result.diagnoses);
	const tracking = valueAt(result.data, track.path);
	if (!isObject(tracking))
		throw new SageResponseError(
			`Sage answered the status request for ${trackingId} without a status.`,
		);
	return { tracking, diagnoses: result.diagnoses };
}

/** The file the result names, downloaded through the client and stored by n8n; undefined when it names none. */
export async function downloadedFile(
	context: IExecuteFunctions,
	session: SageSession,
	info: AsyncOperationInfo,
	result: unknown,
	timeoutMs?: number,
): Promise<IBinaryData | undefined> {
	const named = fileOf(result);
	if (!named) return undefined;
	const file = await session.download(named.url, timeoutMs);
	const fileName = named.fileName ?? file.fileName ?? `${info.operationName}.bin`;
	if (named.contentLength !== undefined && file.bytes.byteLength !== named.contentLength) {
		throw new SageResponseError(
			`The file ${fileName} arrived with ${file.bytes.byteLength} bytes, but Sage announced ${named.contentLength}: it was cut short (or altered) on the way, so it is not output.`,
			{ hint: 'Run the operation again to download the file again.' },
		);
	}
	const mimeType = named.mimeType ?? file.mimeType;
	return await context.helpers.prepareBinaryData(
		Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
		fileName,
		mimeType,
	);
}
