/**
 * The fault soak (soak.ts) at CI size; `npm run soak` runs this file with
 * SOAK_OPERATIONS=10000 and prints the figures it writes to SOAK_REPORT.
 */
import { writeFileSync } from 'node:fs';

import { useNodeEnv } from '../node/fixture';
import { describeFigures, runSoak, type SoakFigures } from './soak';

const OPERATIONS = Number(process.env.SOAK_OPERATIONS ?? 1500);
const SEED = Number(process.env.SOAK_SEED ?? 20260601);
const env = useNodeEnv({ seed: { customers: 600, items: 10, salesOrders: 0 } });

test(
	`${OPERATIONS} operations under random 429/503/resets, 502/504 after running, failed renewals, token revocations and clock jumps: no failed query, every create reconciled`,
	async () => {
		const progress = process.env.SOAK_REPORT
			? (done: number, total: number) => process.stderr.write(`soak: ${done}/${total} operations\n`)
			: undefined;
		const figures: SoakFigures = await runSoak(env, {
			operations: OPERATIONS,
			seed: SEED,
			progress,
		});
		if (process.env.SOAK_REPORT)
			writeFileSync(
				process.env.SOAK_REPORT,
				JSON.stringify({ figures, text: describeFigures(figures) }, null, 2),
			);

		expect(figures.operations).toBe(OPERATIONS);
		expect(figures.problems).toEqual([]);
		expect(figures.failedQueries).toBe(0);
		expect(figures.lost).toBe(0);
		expect(figures.duplicated).toBe(0);
		// Every create has a natural key and every reset comes after Sage ran the request, so every lost answer is settled.
		expect(figures.outcomeUnknown).toBe(0);
		expect(figures.created + figures.failed).toBe(figures.creates);
		expect(figures.createsApplied).toBe(figures.created);
		// The faults really happened, of every kind asked for (a run of under ~1,000 operations may see no revocation or clock jump).
		if (OPERATIONS < 1000) return;
		expect(figures.faultsInjected['429']).toBeGreaterThan(0);
		expect(figures.faultsInjected['503']).toBeGreaterThan(0);
		expect(figures.faultsInjected.reset).toBeGreaterThan(0);
		expect(figures.faultsInjected['502-after']).toBeGreaterThan(0);
		expect(figures.faultsInjected['504-after']).toBeGreaterThan(0);
		expect(figures.faultsInjected['renewal-400']).toBeGreaterThan(0);
		expect(figures.faultsInjected['renewal-500']).toBeGreaterThan(0);
		expect(figures.tokensRevoked).toBeGreaterThan(0);
		expect(figures.clockJumps).toBeGreaterThan(0);
		// A hang guard sized to the work (it took 49 s at load 15 and over 150 s at load 17): never a speed check.
	},
	Math.max(10 * 60_000, OPERATIONS * 400),
);
