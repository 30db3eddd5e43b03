import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import type { AsyncOperationInfo } from '../../../../sage-client/async-operations';
import type { Diagnosis } from '../../../../sage-client/client';
import { trackUntilDone } from '../../../../sage-client/async-tracking';
import {
	buildStartDocument,
	buildTrackDocument,
	type TrackDocument,
} from '../../../../sage-client/documents';
import { SageAnswerError, SageResponseError } from '../../../../sage-client/errors';
import { optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import type { SageSession } from '../../../shared/session';
import { forEachItem, isObject, showFor, valueAt } from '../common/items';
import { readJsonObject, readString, readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';
import { fileOf } from './file';

export const description: INodeProperties[] = showFor(
	'asyncOperation',
	['startAndWait'],
	[
		{
			displayName: 'Asynchronous Operation',
			name: 'asyncOperation',
			type: 'resourceLocator',
			default: { mode: 'list', value: '' },
			required: true,
			description:
				'The operation to start, as package.node.operation (e.g. xtremReporting.report.generateReportPdf), from the tenant’s schema',
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
		},
		{
			displayName: 'Arguments',
			name: 'arguments',
			type: 'json',
			default: '{}',
			placeholder: '{ "reportName": "customerList" }',
			description:
				'The arguments of its start mutation, as a JSON object. An object given for a text argument (a filter, settings) goes as its JSON text.',
		},
		{
			displayName: 'Result Fields',
			name: 'resultFields',
			type: 'string',
			default: '',
			placeholder: 'e.g. filename mimeType downloadUrl',
			description:
				'The fields of the result to return, written as a GraphQL selection. Empty = every scalar field of the result.',
		},
		optionsCollection([
			{
				displayName: 'Download File',
				name: 'downloadFile',
				type: 'boolean',
				default: true,
				description:
					'Whether to download the file the result names (its downloadUrl) and output it as binary data',
			},
			{
				displayName: 'Poll Interval',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 2,
				description: 'Seconds between two status checks',
			},
			{
				displayName: 'Put Output File in Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				description: 'The binary field of the output item that holds the file',
			},
			{
				displayName: 'Time Limit',
				name: 'timeLimit',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 600,
				description:
					'Seconds to wait for the operation to finish before failing with its last status',
			},
			timeoutOption,
		]),
	],
);

interface StartAndWaitItem {
	name: string;
	args: IDataObject;
	resultFields: string;
	download: boolean;
	binaryProperty: string;
	intervalMs: number;
	timeLimitMs: number;
	timeoutMs?: number;
}

/**
 * Starts one asynchronous operation per input item (`start(...) { trackingId }`), then polls
 * `track(trackingId)` every Poll Interval until its status says it succeeded (any status word
 * is taken, see sage-client/async-tracking.ts), failed, or the Time Limit passed. A stopped
 * execution stops the polling at once. When the result names a file, it is downloaded with
 * the same bearer token and output as binary data.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const trackDocuments = new Map<string, TrackDocument>();
	return await forEachItem(this, items, async (itemIndex, output) => {
		const request = readStartAndWait(this, itemIndex);
		const { schema, info } = await session.asyncOperationSchema(
			{ name: request.name, resultFields: request.resultFields },
			request.timeoutMs,
		);
		const key = `${info.name}\n${request.resultFields}`;
		const track = trackDocuments.get(key) ?? buildTrackDocument(schema, info, request.resultFields);
		trackDocuments.set(key, track);
		const start = buildStartDocument(schema, info, request.args);

		const started = await session.execute({
			query: start.text,
			operationName: start.operationName,
			variables: start.variables,
			isMutation: true,
			timeoutMs: request.timeoutMs,
		});
		diagnoses.note(started.diagnoses, itemIndex);
		if (started.errors.length)
			throw new SageAnswerError(started.errors, started.data, started.diagnoses);
		const trackingId = valueAt(started.data, [...start.path, 'trackingId']);
		if ((typeof trackingId !== 'string' || !trackingId) && typeof trackingId !== 'number') {
			throw new SageResponseError(
				`Sage started ${info.name} but gave no tracking ID to follow it by.`,
			);
		}
		const poll = async () => {
			const answer = await pollOnce(session, track, String(trackingId), request.timeoutMs);
			diagnoses.note(answer.diagnoses, itemIndex);
			return answer.tracking;
		};
		const tracking = await trackUntilDone(poll, {
			name: info.name,
			trackingId: String(trackingId),
			intervalMs: request.intervalMs,
			timeLimitMs: request.timeLimitMs,
			signal: session.signal,
		});
		const item: INodeExecutionData = {
			json: { trackingId: String(trackingId), ...tracking },
			pairedItem: { item: itemIndex },
		};
		const binary = request.download
			? await downloadedFile(this, session, info, tracking.result, request)
			: undefined;
		if (binary) item.binary = { [request.binaryProperty]: binary };
		output.push(item);
	});
}

function readStartAndWait(context: IExecuteFunctions, itemIndex: number): StartAndWaitItem {
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
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		downloadFile?: boolean;
		pollInterval?: number;
		timeLimit?: number;
		binaryPropertyName?: string;
	};
	const seconds = (value: unknown, fallback: number, label: string) => {
		const number = value === undefined || value === null ? fallback : value;
		if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0)
			throw inputError(
				context.getNode(),
				`${label} must be a positive number of seconds, not ${String(number)}`,
				itemIndex,
			);
		return Math.round(number * 1000);
	};
	const binaryProperty = (options.binaryPropertyName ?? 'data').trim();
	if (!binaryProperty)
		throw inputError(
			context.getNode(),
			'Put Output File in Field is empty',
			itemIndex,
			'Name the binary field for the file, e.g. data.',
		);
	return {
		name,
		args: readJsonObject(context, 'arguments', 'Arguments', itemIndex, { emptyAllowed: true }),
		resultFields: readString(context, 'resultFields', itemIndex),
		download: options.downloadFile !== false,
		binaryProperty,
		intervalMs: seconds(options.pollInterval, 2, 'Poll Interval'),
		timeLimitMs: seconds(options.timeLimit, 600, 'Time Limit'),
		timeoutMs: readTimeout(context, itemIndex),
	};
}

async function pollOnce(
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
async function downloadedFile(
	context: IExecuteFunctions,
	session: SageSession,
	info: AsyncOperationInfo,
	result: unknown,
	request: StartAndWaitItem,
): Promise<IBinaryData | undefined> {
	const named = fileOf(result);
	if (!named) return undefined;
	const file = await session.download(named.url, request.timeoutMs);
	const fileName = named.fileName ?? file.fileName ?? `${info.operationName}.bin`;
	const mimeType = named.mimeType ?? file.mimeType;
	return await context.helpers.prepareBinaryData(
		Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength),
		fileName,
		mimeType,
	);
}
