'use strict';
/**
 * Benchmark settings from the command line and the environment.
 *
 *   node bench/run.js [--quick] [--size F] [--runs N] [--latencies 0,25,150]
 *                     [--only webhook,getmany,creates,scaling,schema-scale,fields] [--out DIR] [--in-process-only]
 *
 *   --quick            sizes x0.1 and one run each: a few minutes instead of ~20
 *   --size F           multiplies every record and call count (BENCH_SIZE); minimums keep each scenario meaningful
 *   --runs N           runs per measurement, medians reported (BENCH_RUNS; default 3)
 *   --latencies L,...  injected latencies per request in ms (BENCH_LATENCIES; default 0,25,150)
 *   --only S,...       scenarios to run (BENCH_ONLY; default all); the others' sections of RESULTS.md are kept from the last run
 *   --out DIR          where RESULTS.md and results.json go (BENCH_OUT; default bench/)
 *   --in-process-only  skip every real-n8n part (BENCH_IN_PROCESS_ONLY=1)
 */
const path = require('path');

const SCENARIOS = ['webhook', 'getmany', 'creates', 'scaling', 'schema-scale', 'fields'];

function parseArgs(argv, env = process.env) {
	const opts = {
		quick: env.BENCH_QUICK === '1',
		size: env.BENCH_SIZE ? Number(env.BENCH_SIZE) : null,
		runs: env.BENCH_RUNS ? Number(env.BENCH_RUNS) : null,
		latencies: env.BENCH_LATENCIES ? env.BENCH_LATENCIES.split(',').map(Number) : null,
		only: env.BENCH_ONLY ? env.BENCH_ONLY.split(',') : null,
		out: env.BENCH_OUT || null,
		inProcessOnly: env.BENCH_IN_PROCESS_ONLY === '1',
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const value = () => {
			const v = argv[++i];
			if (v === undefined) throw new Error(`${a} needs a value`);
			return v;
		};
		if (a === '--quick') opts.quick = true;
		else if (a === '--size') opts.size = Number(value());
		else if (a === '--runs') opts.runs = Number(value());
		else if (a === '--latencies') opts.latencies = value().split(',').map(Number);
		else if (a === '--only') opts.only = value().split(',');
		else if (a === '--out') opts.out = value();
		else if (a === '--in-process-only') opts.inProcessOnly = true;
		else if (a === '-h' || a === '--help') opts.help = true;
		else throw new Error(`unknown option ${a} (try --help)`);
	}
	if (opts.size !== null && !(opts.size > 0)) throw new Error('--size expects a positive number');
	if (opts.runs !== null && !(Number.isInteger(opts.runs) && opts.runs > 0))
		throw new Error('--runs expects a positive integer');
	if (opts.latencies && opts.latencies.some((l) => !(Number.isInteger(l) && l >= 0)))
		throw new Error('--latencies expects integers >= 0');
	for (const s of opts.only || [])
		if (!SCENARIOS.includes(s))
			throw new Error(`unknown scenario '${s}' (${SCENARIOS.join(', ')})`);
	return opts;
}

/** Sizes for a size factor: the numbers at 1, scaled with floors below it. */
function buildConfig(opts) {
	const f = opts.size ?? (opts.quick ? 0.1 : 1);
	const runs = opts.runs ?? (opts.quick ? 1 : 3);
	const scale = (n, min) => Math.max(min, Math.round(n * f));
	return {
		sizeFactor: f,
		quick: !!opts.quick,
		runs,
		latencies: opts.latencies ?? [0, 25, 150],
		scenarios: opts.only ?? SCENARIOS,
		out: path.resolve(opts.out ?? path.join(__dirname, '..')),
		inProcessOnly: !!opts.inProcessOnly,
		webhook: {
			runs: opts.runs ?? (opts.quick ? 1 : 3),
			sequentialCalls: scale(30, 5),
			concurrentCalls: scale(200, 20),
			concurrency: Math.min(20, scale(200, 20)),
			warmupCalls: scale(10, 3),
		},
		getmany: { records: scale(50000, 200), pageSize: 1000 },
		creates: {
			records: scale(2000, 20),
			batchSizes: [1, 50],
			// Per-item subjects send one request per item, one after another: past this budget of
			// injected latency per run they get fewer items (their rate does not depend on the count).
			perItemLatencyBudgetMs: 15000,
		},
		// Distinct minimums keep three distinct sizes at any factor.
		scaling: { records: [scale(1000, 50), scale(10000, 100), scale(100000, 200)], pageSize: 1000 },
	};
}

module.exports = { parseArgs, buildConfig, SCENARIOS };
