import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
	NodeConnectionTypes,
} from 'n8n-workflow';

import {
	selectionFieldsProperty,
	pageSizeOption,
	recordTypeLocator,
	timeoutOption,
	optionsCollection,
} from '../shared/descriptions';
import { customDataOption, withCustomDataObject } from '../shared/custom-data';
import { listSearch } from '../shared/methods';
import type { Diagnosis } from '../../sage-client/transport/graphql';
import {
	DEFAULT_PAGE_SIZE,
	SAGE_MAX_PAGE_SIZE,
	pageSizeProblem,
	timeoutProblem,
} from '../shared/limits';
import { scrub } from '../../sage-client/transport/secrets';
import { PollBudget } from './budget';
import { RecordWatch, type ChangesRead, type WatchSettings } from './changes';
import { isClientError, toNodeError } from '../shared/errors';
import { SageSession } from '../shared/session';
import { settingError } from './errors';
import { DEFAULT_LOOKBACK_SECONDS, PollState, type TriggerEvent } from './state';

// The value of NodeConnectionTypes.Main, without reading it at run time: n8n versions
// before NodeConnectionTypes existed load this node too.
const MAIN: typeof NodeConnectionTypes.Main = 'main';

const MAX_LOOKBACK_SECONDS = 3600;

export class SageErpTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sage ERP Trigger',
		name: 'sageErpTrigger',
		icon: { light: 'file:sageErp.svg', dark: 'file:sageErp.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ ($parameter["event"] === "updated" ? "Created or updated: " : "Created: ") + ($parameter["recordType"].value ?? $parameter["recordType"]) }}',
		description: 'Starts the workflow when records of Sage’s cloud ERP are created or changed',
		defaults: { name: 'Sage ERP Trigger' },
		polling: true,
		inputs: [],
		outputs: [MAIN],
		credentials: [{ name: 'sageErpApi', required: true }],
		properties: [
			recordTypeLocator,
			{
				displayName: 'Trigger On',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Record Created',
						value: 'created',
						description: 'Each new record, once (by its _createStamp)',
					},
					{
						name: 'Record Created or Updated',
						value: 'updated',
						description:
							'Each new record and each change of a record, once per change seen (by its _updateStamp)',
					},
				],
				default: 'created',
			},
			{
				displayName: 'Filter',
				name: 'filter',
				type: 'string',
				default: '',
				placeholder: "e.g. {status:'pending', soldToCustomer:{name:{_regex:'^A'}}}",
				description:
					'Only records matching this Sage filter: unquoted keys, single-quoted strings, operators such as _eq, _gt, _in, _regex, _or. A JSON object works too. The trigger adds its own condition on the stamp with _and.',
			},
			selectionFieldsProperty,
			optionsCollection([
				{
					displayName: 'Lookback (Seconds)',
					name: 'lookback',
					type: 'number',
					typeOptions: { minValue: 0, maxValue: MAX_LOOKBACK_SECONDS },
					default: DEFAULT_LOOKBACK_SECONDS,
					description:
						'How far behind the newest stamp seen each poll looks again, so that records saved with a slightly older stamp (long transactions, clock differences between Sage’s servers) are not missed. Records already emitted are never emitted twice.',
				},
				{
					...pageSizeOption,
					description: `Records per request (at most ${SAGE_MAX_PAGE_SIZE}, Sage’s maximum). A poll reads every page, or, where n8n limits how long a poll may take, as many as fit; the next poll goes on from there.`,
				},
				timeoutOption,
				customDataOption,
			]),
		],
	};

	methods = { listSearch };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		// First of all: the budget counts from the start of the poll, token and schema included.
		const budget = PollBudget.of(this);
		const node = this.getNode();
		const { settings, lookbackMs, customDataAsText } = readSettings(this);
		const emit = (records: IDataObject[]) =>
			this.helpers.returnJsonArray(customDataAsText ? records : records.map(withCustomDataObject));
		const manual = this.getMode() === 'manual';
		const doing = manual
			? `Could not fetch a test event from ${settings.recordType}`
			: `Could not check ${settings.recordType} for ${settings.event === 'created' ? 'new' : 'new or changed'} records`;
		try {
			const session = await SageSession.open(this);
			const onDiagnoses = (diagnoses: Diagnosis[]) => {
				for (const diagnosis of diagnoses) {
					this.logger.warn(
						`Sage ERP Trigger: Sage warned about ${settings.recordType}: ${scrub(String(diagnosis.message ?? ''))}`,
						{
							severity: diagnosis.severity,
							path: diagnosis.path?.join('.'),
						},
					);
				}
			};
			const watch = await RecordWatch.open(session, { ...settings, onDiagnoses });

			if (manual) {
				// "Fetch Test Event": the latest matching record; the state is neither read nor moved.
				const latest = await watch.mostRecent();
				if (!latest) {
					throw settingError(
						node,
						`No ${settings.recordType} record matches the filter yet`,
						'Create or change a matching record in Sage, or loosen the Filter, then fetch a test event again.',
					);
				}
				return [emit([latest.json])];
			}

			const staticData = this.getWorkflowStaticData('node');
			// First poll (or a new record type or event): start from Sage's newest stamp; what the
			// first reading finds up to it, within the lookback window, is remembered as history.
			const state =
				PollState.restore(staticData, settings.recordType, settings.event) ??
				PollState.start(settings.recordType, settings.event, await watch.newestStamp(), lookbackMs);
			const onResumeRefused = (error: unknown) =>
				this.logger.warn(
					`Sage ERP Trigger: Sage refused to go on where the last poll of ${settings.recordType} stopped; reading again from the last stamp seen (nothing is emitted twice): ${scrub(error instanceof Error ? error.message : String(error))}`,
				);
			const records = await readChanges(watch, state, budget, onResumeRefused);
			state.settle(lookbackMs);
			state.save(staticData);
			return records.length ? [emit(records)] : null;
		} catch (error) {
			throw toNodeError(node, error, { doing });
		}
	}
}

/**
 * One poll's reading, oldest stamp first: from the floor, or on from where the previous poll
 * stopped, page after page while the poll's budget allows (every page when n8n sets none).
 * What to emit: one item per version not emitted before, history excepted; a record changed
 * again while the pages were read keeps only its latest version, at its latest place.
 */
async function readChanges(
	watch: RecordWatch,
	state: PollState,
	budget: PollBudget,
	onResumeRefused: (error: unknown) => void,
): Promise<IDataObject[]> {
	const resume = state.resumePoint;
	const floor = resume ? resume.floor : state.queryFloor;
	const attempt = await watch
		.since(floor, {
			after: resume?.after,
			anotherPage: budget.pageCheck(),
			fits: budget.fits(),
			pageSize: state.pageSize,
		})
		.then(
			(read: ChangesRead) => ({ read }),
			(error: unknown) => ({ error }),
		);
	if ('error' in attempt) {
		// A cursor Sage no longer takes (kept across polls, maybe across a Sage upgrade) must not
		// stop the trigger for good: the floor is a safe place to start again. Other errors go
		// to poll(), which turns them into the node's error.
		if (!resume || !isClientError(attempt.error) || attempt.error.code !== 'SAGE_GRAPHQL')
			throw attempt.error;
		onResumeRefused(attempt.error);
		state.forgetResume();
		return await readChanges(watch, state, budget, onResumeRefused);
	}
	const { read } = attempt;
	const emitted = new Map<string, IDataObject>();
	for (const record of read.records) {
		if (!state.accept(record.version) || state.isHistory(record.version)) continue;
		emitted.delete(record.version.id);
		emitted.set(record.version.id, record.json);
	}
	if (read.outOfBudget) state.lowerPageSize(read.outOfBudget.pageSize);
	// Stopped before its first page: the resume point (or the floor) stays where it was.
	if (read.next !== undefined || !read.outOfBudget)
		state.readingEnded(read.next === undefined ? undefined : { floor, after: read.next });
	return [...emitted.values()];
}

function readSettings(context: IPollFunctions): {
	settings: WatchSettings;
	lookbackMs: number;
	customDataAsText: boolean;
} {
	const node = context.getNode();
	const recordTypeValue = context.getNodeParameter('recordType', '', {
		extractValue: true,
	}) as unknown;
	const recordType = typeof recordTypeValue === 'string' ? recordTypeValue.trim() : '';
	if (!recordType) {
		throw settingError(
			node,
			'Record Type is empty',
			'Pick a record type from the list, or type it as package.node (e.g. xtremSales.salesOrder).',
		);
	}

	const event = context.getNodeParameter('event', 'created') as TriggerEvent;
	if (event !== 'created' && event !== 'updated') {
		throw settingError(
			node,
			`Trigger On must be "created" or "updated", not ${JSON.stringify(event)}`,
		);
	}

	const fieldsValue = context.getNodeParameter('fields', '') as unknown;
	const fields = typeof fieldsValue === 'string' ? fieldsValue.trim() : '';

	const filter = readFilter(context);

	const options = context.getNodeParameter('options', {}) as {
		pageSize?: unknown;
		timeout?: unknown;
		lookback?: unknown;
		customDataAsText?: boolean;
	};
	const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
	const pageProblem = pageSizeProblem(pageSize, 'every page is still read.');
	if (pageProblem) throw settingError(node, pageProblem.message, pageProblem.hint);
	let timeoutMs: number | undefined;
	if (options.timeout !== undefined && options.timeout !== null) {
		const problem = timeoutProblem(options.timeout);
		if (problem) throw settingError(node, problem.message, problem.hint);
		timeoutMs = Math.round(options.timeout as number);
	}
	const lookback = options.lookback ?? DEFAULT_LOOKBACK_SECONDS;
	if (
		typeof lookback !== 'number' ||
		!Number.isFinite(lookback) ||
		lookback < 0 ||
		lookback > MAX_LOOKBACK_SECONDS
	) {
		throw settingError(
			node,
			`Lookback must be a number of seconds from 0 to ${MAX_LOOKBACK_SECONDS}, not ${String(lookback)}`,
		);
	}

	return {
		settings: { recordType, event, fields, filter, pageSize: pageSize as number, timeoutMs },
		lookbackMs: Math.round(lookback * 1000),
		customDataAsText: options.customDataAsText === true,
	};
}

/** The Filter as Sage's text: as typed, or an object from an expression written as JSON. Empty = none. */
function readFilter(context: IPollFunctions): string | undefined {
	const value = context.getNodeParameter('filter', '') as unknown;
	if (value === undefined || value === null) return undefined;
	let text: string;
	if (typeof value === 'string') text = value.trim();
	else if (typeof value === 'object') text = Object.keys(value).length ? JSON.stringify(value) : '';
	else text = String(value);
	if (!text || /^(\{\s*\}|\[\s*\])$/.test(text)) return undefined;
	// The filter joins the trigger's own {_and:[...]}: one object, or an array of them (Sage's AND).
	const isObject = text.startsWith('{') && text.endsWith('}');
	if (!isObject && !(text.startsWith('[') && text.endsWith(']'))) {
		throw settingError(
			context.getNode(),
			`Filter must be a Sage filter object such as {isActive:true}, not ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`,
			"Write the filter in braces, with unquoted keys and single-quoted strings: {status:'pending'}. A JSON object works too, and an array of filters means all of them.",
		);
	}
	return text;
}
