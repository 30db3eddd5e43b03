/**
 * The fault soak: many operations through the Sage ERP node in the n8n engine while the
 * simulator throttles (429 + Retry-After), fails (503), cuts answers after running the
 * request (reset), answers 502 or 504 after running it (a gateway), fails token renewals
 * (400, 500), revokes every token and jumps its clock past the access token's lifetime. Then every create is reconciled with the simulator's store and counters.
 *
 * An operation is one Get Many with Return All over several pages, or one create of one
 * record (customers with unique natural keys `id`, Batch Size 1 or 5, Continue On Fail on
 * so that every input item reports its own outcome). Used by soak.test.ts (CI size) and,
 * through it, by `npm run soak` (scripts/soak.js, full size).
 */
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { prng } from '../simulator/seed';
import { NODE_NAME, recordType, runNode, type NodeEnv } from '../node/fixture';

export interface SoakOptions {
	/** Operations in all: queries plus created records. */
	operations: number;
	/** Seeds the plan and the simulator's fault dice: the same seed gives the same run. */
	seed?: number;
	/** Executions in flight at once. */
	concurrency?: number;
	rate429?: number;
	rate503?: number;
	rateReset?: number;
	/** 502 and 504 answers after Sage ran the request (a gateway that gave up waiting). */
	rateFailAfter?: number;
	/** Token renewals that fail with 400 and 500 in turn (an exchange must take over). */
	rateRenewalFail?: number;
	retryAfterSec?: number;
	/** Every token is revoked about this often (GraphQL requests). */
	revokeEveryRequests?: number;
	/** The simulated clock jumps past the access token's lifetime about this often (GraphQL requests). */
	clockJumpEveryRequests?: number;
	/** Called now and then with the operations done so far. */
	progress?: (done: number, total: number) => void;
}

export interface SoakFigures {
	operations: number;
	queries: number;
	creates: number;
	executions: number;
	seconds: number;
	graphqlRequests: number;
	faultsInjected: Record<string, number>;
	tokensRevoked: number;
	clockJumps: number;
	tokenExchanges: number;
	tokenRenewals: number;
	/** GraphQL requests Sage answered 401 (revoked or expired token), each followed by a renewal or exchange. */
	unauthorized: number;
	failedQueries: number;
	/** Creates reported with an `_id` (all of them found once in the store with that `_id`). */
	created: number;
	/** Of those, found in Sage after their answer was lost. */
	recoveredAfterLostAnswer: number;
	/** Creates reported failed (and verified absent from the store). */
	failed: number;
	/** Of those, verified NOT created after their answer was lost. */
	verifiedNotCreated: number;
	/** Creates reported "may or may not have applied". */
	outcomeUnknown: number;
	/** Inputs whose report and the store disagree: created but reported failed/unknown, or reported created but absent or under another _id. */
	lost: number;
	/** Records created more than once for one input, or applied creates the store cannot account for. */
	duplicated: number;
	/** Mutations applied, by the simulator's counter. */
	createsApplied: number;
	/** A few examples of whatever went wrong, for the report. */
	problems: string[];
	/** Failure messages of creates, counted (what users saw). */
	failureMessages: Record<string, number>;
}

const CUSTOMER = 'xtremMasterData.customer';
const QUERIES: Array<{ filter: string; orderBy?: string; pageSize: number }> = [
	{ filter: "{id:{_regex:'^(FR|DE)'}}", pageSize: 100 },
	{ filter: "{id:{_regex:'^US'}, isActive:true}", orderBy: '{name:+1}', pageSize: 40 },
	{ filter: "{_or:[{id:{_regex:'^GB'}},{id:{_regex:'^ES'}}]}", orderBy: '{id:-1}', pageSize: 75 },
];

type Execution =
	{ kind: 'query'; query: number } | { kind: 'create'; batchSize: number; ids: string[] };

interface CreateReport {
	id: string;
	json: INodeExecutionData['json'];
}

/** Runs the soak against `env` (a simulator and an engine from test/node/fixture.ts). */
export async function runSoak(env: NodeEnv, options: SoakOptions): Promise<SoakFigures> {
	const seed = options.seed ?? 20260601;
	const concurrency = options.concurrency ?? 8;
	const { sim } = env;
	const started = Date.now();
	const prefix = `SOAK${seed}-`;
	const plan = makePlan(options.operations, seed, prefix);
	const problems: string[] = [];
	const problem = (text: string) => {
		if (problems.length < 20) problems.push(text);
	};

	// Fault-free answers to compare every faulted query with.
	const expected = new Map<number, string[]>();
	for (const [index, query] of QUERIES.entries()) {
		const result = await runNode(env, queryParameters(index));
		if (result.error)
			throw new Error(`The soak's baseline query ${index} failed: ${result.error.message}`);
		const ids = result.items(NODE_NAME).map((item) => String(item.json._id));
		if (ids.length <= query.pageSize)
			throw new Error(
				`The soak's baseline query ${index} fits in one page (${ids.length} records): seed more customers`,
			);
		expected.set(index, ids);
	}

	const before = sim.counters();
	const storedBefore = sim
		.store()
		.list(CUSTOMER)
		.filter((record) => String(record.id).startsWith(prefix)).length;
	if (storedBefore) throw new Error(`Records with the prefix ${prefix} exist already`);
	sim.faults().set({
		random: {
			seed,
			rate429: options.rate429 ?? 0.05,
			rate503: options.rate503 ?? 0.02,
			rateReset: options.rateReset ?? 0.01,
			rateFailAfter: options.rateFailAfter ?? 0.01,
			retryAfterSec: options.retryAfterSec ?? 1,
		},
		rateRenewalFail: options.rateRenewalFail ?? 0.3,
	});

	// Revocations and clock jumps, driven by the simulator's request count, a little irregular.
	const dice = prng(seed ^ 0x5eed);
	const revokeEvery = options.revokeEveryRequests ?? 500;
	const jumpEvery = options.clockJumpEveryRequests ?? 700;
	const jitter = (every: number) => Math.round(every * (0.75 + dice() / 2));
	let nextRevoke = before.graphqlRequests + jitter(revokeEvery);
	let nextJump = before.graphqlRequests + jitter(jumpEvery);
	let tokensRevoked = 0;
	let clockJumps = 0;
	const disturb = () => {
		const requests = sim.counters().graphqlRequests;
		if (requests >= nextRevoke) {
			sim.revokeAllTokens();
			tokensRevoked++;
			nextRevoke = requests + jitter(revokeEvery);
		}
		if (requests >= nextJump) {
			// Past the 15-minute access token; every fourth jump also past the 1-hour refresh token.
			sim.clock.advance(16 * 60_000);
			clockJumps++;
			nextJump = requests + jitter(jumpEvery);
		}
	};

	let failedQueries = 0;
	const reports: CreateReport[] = [];
	let done = 0;
	let nextProgress = 0;
	let cursor = 0;
	const worker = async () => {
		while (cursor < plan.length) {
			const execution = plan[cursor++];
			if (execution.kind === 'query') {
				const result = await runNode(env, queryParameters(execution.query));
				const ids = result.error
					? undefined
					: result.items(NODE_NAME).map((item) => String(item.json._id));
				const want = expected.get(execution.query)!;
				if (!ids || ids.length !== want.length || ids.some((id, index) => id !== want[index])) {
					failedQueries++;
					problem(
						`query ${execution.query}: ${result.error ? result.error.message : `${ids?.length} records instead of ${want.length}, or not in order`}`,
					);
				}
				done++;
			} else {
				const input = execution.ids.map((id, index) => ({
					id,
					name: `Soak customer ${id}`,
					currency: index % 2 ? '#USD' : '#EUR',
					email: `${id.toLowerCase()}@example.com`,
				}));
				const result = await runNode(
					env,
					{
						resource: 'record',
						operation: 'create',
						recordType: recordType(CUSTOMER),
						data: '={{ $json }}',
						fields: '_id id',
						options: { batchSize: execution.batchSize },
					},
					{ input, continueOnFail: true },
				);
				const items = result.runData[NODE_NAME]?.[0]?.data?.main?.[0] ?? [];
				for (const [index, id] of execution.ids.entries()) {
					const item = items.find(
						(candidate) => (candidate.pairedItem as { item?: number } | undefined)?.item === index,
					);
					reports.push({
						id,
						json: item?.json ?? {
							error: `no output item (${result.error?.message ?? 'node gave none'})`,
						},
					});
				}
				done += execution.ids.length;
			}
			disturb();
			if (options.progress && done >= nextProgress) {
				options.progress(done, options.operations);
				nextProgress = done + Math.ceil(options.operations / 10);
			}
		}
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
	sim.faults().clear();
	const after = sim.counters();

	// Reconcile every create with the store and the counters.
	const stored = new Map<string, Array<Record<string, unknown>>>();
	for (const record of sim.store().list(CUSTOMER)) {
		const id = String(record.id);
		if (id.startsWith(prefix)) stored.set(id, [...(stored.get(id) ?? []), record]);
	}
	const byName = new Map<string, number>();
	for (const record of sim.store().list(CUSTOMER)) {
		if (String(record.name).startsWith('Soak customer '))
			byName.set(String(record.name), (byName.get(String(record.name)) ?? 0) + 1);
	}
	let created = 0;
	let recovered = 0;
	let failed = 0;
	let verifiedNotCreated = 0;
	let outcomeUnknown = 0;
	let lost = 0;
	let duplicated = 0;
	const failureMessages: Record<string, number> = {};
	for (const { id, json } of reports) {
		const records = stored.get(id) ?? [];
		if (records.length > 1 || (byName.get(`Soak customer ${id}`) ?? 0) > 1) {
			duplicated++;
			problem(`${id}: ${records.length} records`);
		}
		if (json.error === undefined && typeof json._id === 'string') {
			created++;
			if (json._recoveredAfterLostAnswer === true) recovered++;
			if (records.length !== 1 || records[0]._id !== json._id) {
				lost++;
				problem(
					`${id}: reported created as _id ${json._id}, stored as ${records.map((record) => record._id).join(', ') || 'nothing'}`,
				);
			}
			continue;
		}
		const message = String(json.error)
			.replace(/"SOAK[^"]*"/g, '"<id>"')
			.replace(/\(UND_ERR_[A-Z_]+\)/, '(<code>)');
		failureMessages[message] = (failureMessages[message] ?? 0) + 1;
		if (json.outcomeUnknown === true) outcomeUnknown++;
		else failed++;
		if (/it was NOT created/.test(String(json.error))) verifiedNotCreated++;
		if (records.length) {
			lost++;
			problem(
				`${id}: reported ${json.outcomeUnknown ? 'outcome unknown' : 'failed'} (${String(json.error)}) but stored as _id ${records[0]._id}`,
			);
		}
	}
	const createsApplied = after.mutations.create - before.mutations.create;
	const storedCount = [...stored.values()].reduce((sum, records) => sum + records.length, 0);
	if (createsApplied !== storedCount) {
		duplicated += Math.max(0, createsApplied - storedCount);
		problem(
			`the simulator applied ${createsApplied} creates; the store holds ${storedCount} soak records`,
		);
	}
	if (
		reports.length !==
		plan
			.filter((execution) => execution.kind === 'create')
			.reduce((sum, execution) => sum + (execution.kind === 'create' ? execution.ids.length : 0), 0)
	) {
		problem('not every create input was reported');
	}

	const faultsInjected: Record<string, number> = {};
	for (const [kind, count] of Object.entries(after.faultsInjected)) {
		const delta = count - (before.faultsInjected[kind] ?? 0);
		if (delta) faultsInjected[kind] = delta;
	}
	return {
		operations: done,
		queries: plan.filter((execution) => execution.kind === 'query').length,
		creates: reports.length,
		executions: plan.length,
		seconds: Math.round((Date.now() - started) / 100) / 10,
		graphqlRequests: after.graphqlRequests - before.graphqlRequests,
		faultsInjected,
		tokensRevoked,
		clockJumps,
		tokenExchanges: after.exchanges - before.exchanges,
		tokenRenewals: after.renewals - before.renewals,
		unauthorized: after.graphqlUnauthorized - before.graphqlUnauthorized,
		failedQueries,
		created,
		recoveredAfterLostAnswer: recovered,
		failed,
		verifiedNotCreated,
		outcomeUnknown,
		lost,
		duplicated,
		createsApplied,
		problems,
		failureMessages,
	};
}

function queryParameters(index: number): INodeParameters {
	const query = QUERIES[index];
	return {
		resource: 'record',
		operation: 'getMany',
		recordType: recordType(CUSTOMER),
		returnAll: true,
		filter: query.filter,
		orderBy: query.orderBy ?? '',
		fields: '_id id',
		options: { pageSize: query.pageSize },
	};
}

/** Executions adding up to `operations`: about half of them queries, the rest creates of 1–6 records at Batch Size 1 or 5. */
function makePlan(operations: number, seed: number, prefix: string): Execution[] {
	const dice = prng(seed);
	const plan: Execution[] = [];
	let count = 0;
	let serial = 0;
	while (count < operations) {
		if (dice() < 0.5) {
			plan.push({ kind: 'query', query: Math.floor(dice() * QUERIES.length) });
			count++;
			continue;
		}
		const size = Math.min(operations - count, 1 + Math.floor(dice() * 6));
		const ids = Array.from({ length: size }, () => `${prefix}${String(++serial).padStart(6, '0')}`);
		plan.push({ kind: 'create', batchSize: dice() < 0.5 ? 1 : 5, ids });
		count += size;
	}
	return plan;
}

const FAULT_NAMES: Record<string, string> = {
	reset: 'connection reset',
	'502-after': '502 after running',
	'504-after': '504 after running',
	'renewal-400': 'renewal 400',
	'renewal-500': 'renewal 500',
};

/** The figures as the lines `npm run soak` prints. */
export function describeFigures(figures: SoakFigures): string {
	const faults = Object.entries(figures.faultsInjected)
		.map(([kind, count]) => `${FAULT_NAMES[kind] ?? kind}: ${count}`)
		.join(', ');
	return [
		`operations:             ${figures.operations} (${figures.queries} paginated queries, ${figures.creates} creates) in ${figures.executions} executions, ${figures.seconds} s`,
		`GraphQL requests:       ${figures.graphqlRequests}`,
		`faults injected:        ${faults || 'none'}`,
		`tokens revoked:         ${figures.tokensRevoked} times; clock jumps of 16 min: ${figures.clockJumps}; token exchanges: ${figures.tokenExchanges}, renewals: ${figures.tokenRenewals}; requests answered 401: ${figures.unauthorized}`,
		`failed queries:         ${figures.failedQueries}`,
		`creates reported:       ${figures.created} created (${figures.recoveredAfterLostAnswer} found after a lost answer), ${figures.failed} failed (${figures.verifiedNotCreated} verified not created after a lost answer), ${figures.outcomeUnknown} outcome unknown`,
		`creates applied:        ${figures.createsApplied} (simulator counter)`,
		`lost:                   ${figures.lost}`,
		`duplicated:             ${figures.duplicated}`,
		...Object.entries(figures.failureMessages).map(
			([message, count]) => `  failed ${count}x: ${message}`,
		),
		...figures.problems.map((text) => `  problem: ${text}`),
	].join('\n');
}
