import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';

import { trackUntilDone } from '../../../../sage-client/client/async-tracking';
import { optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import { forEachItem, showFor } from '../common/items';
import { readString, readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';
import { argumentsProperties, readStartArguments } from './arguments';
import {
	argumentsProperty,
	asyncOperationLocator,
	downloadedFile,
	fileOptions,
	pollOnce,
	PreparedOperations,
	readFileSettings,
	readOperationName,
	resultFieldsProperty,
	startOperation,
	type FileSettings,
} from './shared';

export const description: INodeProperties[] = showFor(
	'asyncOperation',
	['startAndWait'],
	[
		{
			...asyncOperationLocator,
			description:
				'The operation to start, as package.node.operation (e.g. xtremReporting.report.generateReportPdf), from the tenant’s schema',
		},
		...argumentsProperties(argumentsProperty),
		resultFieldsProperty,
		optionsCollection([
			fileOptions[0],
			{
				displayName: 'Poll Interval',
				name: 'pollInterval',
				type: 'number',
				typeOptions: { minValue: 0.1, numberPrecision: 1 },
				default: 2,
				description: 'Seconds between two status checks',
			},
			fileOptions[1],
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

interface StartAndWaitItem extends FileSettings {
	name: string;
	args: IDataObject;
	resultFields: string;
	intervalMs: number;
	timeLimitMs: number;
	timeoutMs?: number;
}

/**
 * Starts one asynchronous operation per input item (`start(...) { trackingId }`), then polls
 * `track(trackingId)` every Poll Interval until its status says it succeeded (any status word
 * is taken, see sage-client/client/async-tracking.ts), failed, or the Time Limit passed. A stopped
 * execution stops the polling at once. When the result names a file, it is downloaded with
 * the same bearer token and output as binary data.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const operations = new PreparedOperations(session);
	return await forEachItem(this, items, async (itemIndex, output) => {
		const request = readStartAndWait(this, itemIndex);
		const operation = await operations.get(request.name, request.resultFields, request.timeoutMs);
		const { info, track } = operation;
		const trackingId = await startOperation(session, diagnoses, itemIndex, operation, request);
		const poll = async () => {
			const answer = await pollOnce(session, track, trackingId, request.timeoutMs);
			diagnoses.note(answer.diagnoses, itemIndex);
			return answer.tracking;
		};
		const tracking = await trackUntilDone(poll, {
			name: info.name,
			trackingId,
			intervalMs: request.intervalMs,
			timeLimitMs: request.timeLimitMs,
			signal: session.signal,
		});
		const item: INodeExecutionData = {
			json: { trackingId, ...tracking },
			pairedItem: { item: itemIndex },
		};
		const binary = request.download
			? await downloadedFile(this, session, info, tracking.result, request.timeoutMs)
			: undefined;
		if (binary) item.binary = { [request.binaryProperty]: binary };
		output.push(item);
	});
}

function readStartAndWait(context: IExecuteFunctions, itemIndex: number): StartAndWaitItem {
	const options = context.getNodeParameter('options', itemIndex, {}) as {
		pollInterval?: number;
		timeLimit?: number;
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
	return {
		name: readOperationName(context, itemIndex),
		...readFileSettings(context, itemIndex),
		args: readStartArguments(context, itemIndex),
		resultFields: readString(context, 'resultFields', itemIndex),
		intervalMs: seconds(options.pollInterval, 2, 'Poll Interval'),
		timeLimitMs: seconds(options.timeLimit, 600, 'Time Limit'),
		timeoutMs: readTimeout(context, itemIndex),
	};
}
