import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';

import { statusKind, statusOf } from '../../../../sage-client/client/async-tracking';
import { optionsCollection, timeoutOption } from '../../../shared/descriptions';
import { inputError } from '../../../shared/errors';
import { forEachItem, showFor } from '../common/items';
import { readString, readTimeout } from '../common/parameters';
import type { OperationContext } from '../common/types';
import {
	asyncOperationLocator,
	downloadedFile,
	fileOptions,
	pollOnce,
	PreparedOperations,
	readFileSettings,
	readOperationName,
	resultFieldsProperty,
} from './shared';

export const description: INodeProperties[] = showFor(
	'asyncOperation',
	['getStatus'],
	[
		{
			...asyncOperationLocator,
			description:
				'The operation that was started, as package.node.operation (e.g. xtremReporting.report.generateReportPdf)',
		},
		{
			displayName: 'Tracking ID',
			name: 'trackingId',
			type: 'string',
			default: '={{ $json.trackingId }}',
			required: true,
			description: 'The tracking ID that Start output',
		},
		resultFieldsProperty,
		optionsCollection([...fileOptions, timeoutOption]),
	],
);

// What `state` says of Sage's status word: whether to look again later, or go on.
const STATES = {
	success: 'succeeded',
	failure: 'failed',
	running: 'running',
	unknown: 'unknown',
} as const;

/**
 * One status request per input item: the tracking answer as Sage gave it, with `state`
 * (`succeeded`, `failed`, `running`, or `unknown` for a status word the node does not know)
 * so that an If node can loop back through a Wait while it runs. A failed operation is an
 * answer here, not an error. Once it succeeded, the file its result names is downloaded.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	{ session, diagnoses }: OperationContext,
): Promise<INodeExecutionData[]> {
	const operations = new PreparedOperations(session);
	return await forEachItem(this, items, async (itemIndex, output) => {
		const name = readOperationName(this, itemIndex);
		const trackingId = readString(this, 'trackingId', itemIndex);
		if (!trackingId) {
			throw inputError(
				this.getNode(),
				'Tracking ID is empty',
				itemIndex,
				'Give the trackingId that Start output, e.g. {{ $json.trackingId }}.',
			);
		}
		const resultFields = readString(this, 'resultFields', itemIndex);
		const files = readFileSettings(this, itemIndex);
		const timeoutMs = readTimeout(this, itemIndex);
		const { info, track } = await operations.get(name, resultFields, timeoutMs);
		const { tracking, diagnoses: said } = await pollOnce(session, track, trackingId, timeoutMs);
		diagnoses.note(said, itemIndex);
		const state = STATES[statusKind(statusOf(tracking))];
		const item: INodeExecutionData = {
			json: { asyncOperation: info.name, trackingId, state, ...tracking },
			pairedItem: { item: itemIndex },
		};
		const binary =
			state === 'succeeded' && files.download
				? await downloadedFile(this, session, info, tracking.result, timeoutMs)
				: undefined;
		if (binary) item.binary = { [files.binaryProperty]: binary };
		output.push(item);
	});
}
