'use strict';
/** Writes bench/results.json (everything measured) and bench/RESULTS.md (the tables). */
const fs = require('fs');
const path = require('path');
const { fmt } = require('./targets');

function table(header, rows) {
	const line = (cells) => `| ${cells.map((c) => String(c ?? '')).join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const x = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${fmt(v)}×` : 'n/a');
const mb = (v) => (typeof v === 'number' ? fmt(v) : 'n/a');
const status = (pass) => (pass === true ? '**PASS**' : pass === false ? '**MISS**' : 'n/a');

function targetsSection(targets) {
	if (!targets.length) return 'No target could be evaluated (see the scenarios below).';
	return table(
		['target', 'latency', 'value', 'threshold', 'result', 'detail'],
		targets.map((t) => [
			t.target,
			t.latencyMs === null ? '—' : `${t.latencyMs} ms`,
			fmt(t.value),
			fmt(t.threshold),
			status(t.pass),
			t.detail,
		]),
	);
}

function webhookSection(w) {
	if (!w) return null;
	if (w.error) return `Failed: ${w.error}`;
	if (w.skipped) return `Skipped: ${w.skipped}`;
	const rows = [];
	for (const [l, L] of Object.entries(w.latencies)) {
		for (const s of w.subjects) {
			const q = L.subjects[s].sequential;
			const c = L.subjects[s].concurrent;
			rows.push([
				`${l} ms`,
				s,
				fmt(q.p50),
				fmt(q.p95),
				fmt(c.perSecond),
				fmt(c.p50),
				fmt(c.p95),
				fmt(c.exchanges),
				fmt(c.n8nCpuMsPerCall),
				fmt(c.simCpuMsPerCall),
				q.errors + c.errors,
			]);
		}
	}
	const ratios = Object.entries(w.latencies).map(([l, L]) => {
		const S = L.subjects;
		return [
			`${l} ms`,
			fmt(L.sageRoundTripMs),
			S.ours ? fmt(S.ours.sequential.p50 - S.floor.sequential.p50) : 'n/a',
			fmt(S.chain.sequential.p50 - S.floor.sequential.p50),
			S.ours ? x(S.ours.concurrent.perSecond / S.floor.concurrent.perSecond) : 'n/a',
			S.ours ? x(S.ours.concurrent.perSecond / S.chain.concurrent.perSecond) : 'n/a',
			x(S.chain.concurrent.perSecond / S.floor.concurrent.perSecond),
			S.ours && S.httpCred
				? x(S.ours.concurrent.perSecond / S.httpCred.concurrent.perSecond)
				: 'n/a',
			S.httpCred ? x(S.httpCred.concurrent.perSecond / S.floor.concurrent.perSecond) : 'n/a',
		];
	});
	return [
		`${w.runner}; ${w.config.sequentialCalls} calls one after another and ${w.config.concurrentCalls} calls at concurrency ${w.config.concurrency}, medians of ${w.config.runs} run(s) after ${w.config.warmupCalls} warm-up calls per subject and latency. floor = Webhook → No Operation; chain = Webhook → HTTP Request (token) → GraphQL node; httpCred = Webhook → HTTP Request with the Sage ERP API credential as predefined credential type (n8n's own credentialed node, posting the same mutation); ours = Webhook → Sage ERP create. CPU per execution (concurrent runs) is the n8n process's (all its threads) and the simulator's, which shares the same cores (in production that work is Sage's).`,
		'',
		table(
			[
				'latency',
				'subject',
				'one-by-one p50 ms',
				'one-by-one p95 ms',
				'concurrent exec/s',
				'concurrent p50 ms',
				'concurrent p95 ms',
				'token exchanges per concurrent run',
				'n8n CPU ms / exec',
				'simulator CPU ms / exec',
				'errors',
			],
			rows,
		),
		'',
		table(
			[
				'latency',
				'one Sage round trip ms',
				'ours − floor, p50 ms',
				'chain − floor, p50 ms',
				'ours / floor exec/s',
				'ours / chain exec/s',
				'chain / floor exec/s',
				'ours / httpCred exec/s',
				'httpCred / floor exec/s',
			],
			ratios,
		),
		'',
		`Token exchanges over the whole n8n process (${fmt(w.processSeconds)} s): ours ${w.exchangesPerProcess.ours ?? 'n/a'}, chain ${w.exchangesPerProcess.chain}, total ${w.exchangesPerProcess.total}.`,
	].join('\n');
}

function getManySection(g) {
	if (!g) return null;
	if (g.error) return `Failed: ${g.error}`;
	if (g.skipped) return `Skipped: ${g.skipped}`;
	const rows = [];
	for (const [l, L] of Object.entries(g.latencies)) {
		for (const [s, v] of Object.entries(L.subjects)) {
			rows.push([
				`${l} ms`,
				g.subjects[s].label,
				fmt(v.recordsPerSecond),
				fmt(v.ms),
				fmt(v.requests),
				mb(v.maxRssMb),
				fmt(v.heapBytesPerRecord),
				fmt(v.rssBytesPerRecord),
			]);
		}
	}
	const ratios = Object.entries(g.latencies).map(([l, L]) => [
		`${l} ms`,
		x(L.ratios.oursHarnessVsRaw),
		x(L.ratios.oursN8nVsRaw),
		x(L.ratios.oursN8nVsHttp),
		x(L.ratios.httpN8nVsRaw),
	]);
	return [
		`${g.records} customers, pages of ${g.pageSize} (the simulator's maximum), medians of the runs. Time: the node's executionTime in the run data (n8n's start-up excluded; the HTTP Request row adds its token node and Split Out) or the loop's own clock. "requests": GraphQL requests the simulator received for the read. Peak RSS: the whole process (n8n execute: up to the end of the execution, before the CLI prints the run). Heap B/record: the V8 heap's peak above its level before the read (in-process rows). RSS B/record: peak RSS above the RSS before the read (n8n rows: above an n8n execute of an empty workflow, ${mb((g.n8nBaselineRssKb || 0) / 1024)} MB).`,
		'',
		table(
			[
				'latency',
				'subject',
				'records/s',
				'ms',
				'requests',
				'peak RSS MB',
				'heap B/record',
				'RSS B/record',
			],
			rows,
		),
		'',
		table(
			[
				'latency',
				'ours / raw (in-process)',
				'ours / raw (real n8n)',
				'ours / HTTP Request (real n8n)',
				'HTTP Request / raw (real n8n)',
			],
			ratios,
		),
	].join('\n');
}

function createsSection(c) {
	if (!c) return null;
	if (c.error) return `Failed: ${c.error}`;
	if (c.skipped) return `Skipped: ${c.skipped}`;
	const rows = [];
	for (const [l, L] of Object.entries(c.latencies)) {
		for (const [s, v] of Object.entries(L.subjects))
			rows.push([
				`${l} ms`,
				c.subjects[s].label,
				fmt(v.items),
				fmt(v.createsPerSecond),
				fmt(v.ms),
				fmt(v.requests),
				fmt(v.exchanges),
			]);
	}
	const ratios = Object.entries(c.latencies).map(([l, L]) => [
		`${l} ms`,
		x(L.ratios.oursB50VsGraphql),
		x(L.ratios.oursB1VsGraphql),
		x(L.ratios.oursB50VsB1),
		x(L.ratios.oursB50VsRawB50),
		x(L.ratios.graphqlVsRawB50 ? 10 * L.ratios.graphqlVsRawB50 : null),
	]);
	return [
		`${c.runner}; up to ${c.records} generated sales orders per run, medians of the runs. One-request-per-item subjects get fewer items at high latency (their rate does not depend on the count). Time: executionTime of the create node (the GraphQL chain: plus its token node). The server ceiling is a plain undici loop sending the same 50-create requests one after another: no client that sends one batch at a time can beat it.`,
		'',
		table(['latency', 'subject', 'items', 'creates/s', 'ms', 'requests', 'token exchanges'], rows),
		'',
		table(
			[
				'latency',
				'batch 50 / GraphQL node',
				'batch 1 / GraphQL node',
				'batch 50 / batch 1',
				'batch 50 / server ceiling',
				'10× GraphQL node / server ceiling (above 1×: the 10× target exceeds what the server takes)',
			],
			ratios,
		),
	].join('\n');
}

function scalingSection(sc) {
	if (!sc) return null;
	if (sc.error) return `Failed: ${sc.error}`;
	if (sc.skipped) return `Skipped: ${sc.skipped}`;
	const rows = [];
	for (const [l, L] of Object.entries(sc.latencies)) {
		for (const [n, S] of Object.entries(L.sizes)) {
			for (const [s, v] of Object.entries(S))
				rows.push([
					`${l} ms`,
					n,
					sc.subjects[s].label,
					fmt(v.usPerRecord),
					fmt(v.recordsPerSecond),
					fmt(v.heapBytesPerRecord),
					fmt(v.rssBytesPerRecord),
					mb(v.maxRssMb),
				]);
		}
	}
	return [
		`Get Many of ${sc.sizes.join(', ')} customers, pages of ${sc.pageSize}, one process per measurement, medians of the runs.`,
		'',
		table(
			[
				'latency',
				'records',
				'subject',
				'µs / record',
				'records/s',
				'heap B/record (peak)',
				'RSS B/record (peak)',
				'peak RSS MB',
			],
			rows,
		),
	].join('\n');
}

function schemaScaleSection(sc) {
	if (!sc) return null;
	if (sc.error) return `Failed: ${sc.error}`;
	if (sc.skipped) return `Skipped: ${sc.skipped}`;
	const kb = (v) => (typeof v === 'number' ? fmt(v / 1024) : 'n/a');
	const rows = [];
	for (const [l, L] of Object.entries(sc.latencies)) {
		for (const [key, v] of Object.entries(L.subjects)) {
			rows.push([
				`${l} ms`,
				sc.subjects[key].schema,
				sc.subjects[key].label,
				fmt(v.ms),
				fmt(v.cpuMs),
				fmt(v.simCpuMs),
				fmt(v.requests),
				fmt(v.schemaRequests),
				kb(v.bytes),
				kb(v.heapHeldKb * 1024),
				mb(v.maxRssMb),
			]);
		}
	}
	const ratios = [];
	for (const [l, L] of Object.entries(sc.latencies))
		for (const [action, r] of Object.entries(L.ratios))
			ratios.push([
				`${l} ms`,
				action,
				x(r.time),
				r.heapMoreMb === null ? 'n/a' : fmt(r.heapMoreMb),
			]);
	return [
		`${sc.runner}; the simulator's small schema (its default) and its realistic one (\`schemaScale: 'real'\`: 30 packages, about 1,000 node types), each first execution in a fresh process, medians of the runs. "requests": GraphQL requests of the execution (the token exchange is not one); "schema requests": those that asked for the schema; node CPU: the CPU the harness process spent on the execution (its wall time minus this is waiting: for Sage, the injected latency, or a core); simulator CPU: what the simulator (Sage's side, its own process and schema) spent meanwhile, harness rows; KB received: GraphQL answer bodies; heap held: the V8 heap after the execution and a full GC, above its level before it (what the process keeps: token and schema caches); peak RSS: the n8n process.`,
		'',
		table(
			[
				'latency',
				'schema',
				'subject',
				'ms',
				'node CPU ms',
				'simulator CPU ms',
				'requests',
				'schema requests',
				'KB received',
				'heap held KB',
				'peak RSS MB',
			],
			rows,
		),
		'',
		table(
			['latency', 'action', 'realistic / small time', 'realistic − small heap held, MB'],
			ratios,
		),
		'',
		SCHEMA_SCALE_PROFILE,
	].join('\n');
}

/** What `node bench/profile.js first --schema small|real --subject query --latency 25` showed (and the simulator profiled alike). */
const SCHEMA_SCALE_PROFILE = [
	'Where the realistic schema still costs time, from CPU profiles (`node bench/profile.js first --schema small|real --subject get|query`, and the simulator profiled serving 80 new documents) and the CPU columns above:',
	'- **the node**: the same requests and one schema request either way; loading, building and checking the partial schema cost a few ms more CPU with the realistic schema (the GraphQL Query most, about 8 ms: its guessed types, `XtremMasterData_Query` among them, are larger in a real tenant: `buildClientSchema` 9 ms, `validate` 12 ms against 6 ms), 1–3 ms for Get and Create;',
	"- **the simulator (Sage's side)**: a few ms more per new document, almost all in graphql-js's `KnownTypeNamesRule`, which lists every one of the schema's 14,000 type names on each validation (647 ms of 80 validations); Sage validates the same way, so it stays in the measurement;",
	"- the rest of a difference in wall time is neither side computing. A first execution at 0 ms latency lasts 50–250 ms, and on this 2-core machine shared with other work a process waits for a core for tens of ms at a time: an earlier run of this scenario (same commit but for these CPU columns, 5 runs, load average 6 to 12) measured the first Get in the harness at 1.71× at 0 ms (215 against 126 ms) and the first Create in `n8n execute` at 1.30×, with the simulator's CPU 9 against 6 ms, and both at or below 1.02× at 25 and 150 ms. At 25 and 150 ms, where a first execution is mostly Sage round trips, every ratio is near 1×.",
].join('\n');

function fieldsSection(f) {
	if (!f) return null;
	if (f.error) return `Failed: ${f.error}`;
	if (f.skipped) return `Skipped: ${f.skipped}`;
	const rows = Object.entries(f.latencies).flatMap(([l, L]) =>
		[
			['the Record Type list, searched to pick it (fresh process: token included)', L.picking],
			['the fields, once picked', L.first],
			['again (same process)', L.second],
		].map(([when, v]) => [
			`${l} ms`,
			when,
			fmt(v.ms),
			fmt(v.requests),
			fmt(v.schemaRequests),
			fmt(v.bytes / 1024),
			fmt(v.fields),
		]),
	);
	const s = f.saved;
	return [
		`${f.runner}, the simulator's realistic schema (\`schemaScale: 'real'\`), medians of the runs. The list: ${f.source}. "requests": GraphQL requests (the token exchange is not one).`,
		'',
		table(['latency', 'load', 'ms', 'requests', 'schema requests', 'KB received', 'fields'], rows),
		'',
		s
			? `Saved node of a Create of ${f.recordType}: version 1 with Data as JSON text ${fmt(s.v1NodeBytes)} bytes; with the mapper's field list (from ${s.schemaFrom}: ${s.schemaFields} fields, ${s.enumOptions} enum options) ${fmt(s.v2NodeBytes)} bytes (${x(s.v2NodeBytes / s.v1NodeBytes)}).`
			: '',
	].join('\n');
}

function markdown(results) {
	const m = results.meta;
	const sections = [
		'# Benchmarks',
		'',
		`Generated by \`npm run bench\` (\`node bench/run.js${m.args.length ? ` ${m.args.join(' ')}` : ''}\`) on ${m.finishedAt ?? `${m.startedAt} (interrupted or still running)`}: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}. Driver Node.js ${m.node}; real n8n ${m.n8nVersion} on Node.js ${m.n8nNode ?? 'n/a'}; in-process engine harness n8n-core ${m.n8nCoreHarness}. Package ${m.packageVersion} at ${m.commit}${m.dirty ? ' (with uncommitted changes)' : ''}${m.packageBuilt ? '' : ' — **the package was not built: rows of our node are missing**'}. Size factor ${m.sizeFactor}, ${m.runs} run(s) per measurement, injected latency per request ${m.latencies.join(' / ')} ms (simulator \`latencyMs\`, token API included). Whole run ${fmt(m.durationSeconds)} s (${Object.entries(
			m.scenarioSeconds,
		)
			.map(([k, v]) => `${k} ${fmt(v)} s`)
			.join(
				', ',
			)}). Load average (1 min) ${fmt(m.loadAverage.start)} at the start, ${Object.entries(
			m.loadAverage.scenarios,
		)
			.map(([k, v]) => `${fmt(v)} after ${k}`)
			.join(
				', ',
			)} (${m.cpus} CPUs: above ${m.cpus}, other work on the machine competed with the benchmark).`,
		'',
		'## Targets',
		'',
		targetsSection(results.targets),
	];
	const parts = [
		['1. Webhook executions in one n8n process', webhookSection(results.scenarios.webhook)],
		['2. Get Many', getManySection(results.scenarios.getmany)],
		['3. Creates', createsSection(results.scenarios.creates)],
		['4. Cost as work grows (Get Many)', scalingSection(results.scenarios.scaling)],
		[
			"5. A real tenant's size: the first execution of a fresh process",
			schemaScaleSection(results.scenarios['schema-scale']),
		],
		["6. The record type's fields for the panels", fieldsSection(results.scenarios.fields)],
	];
	const carried = m.carriedOver ?? {};
	const keys = ['webhook', 'getmany', 'creates', 'scaling', 'schema-scale', 'fields'];
	for (const [index, [title, body]] of parts.entries()) {
		if (!body) continue;
		const from = carried[keys[index]];
		const note = from
			? `_From an earlier run (\`${['node bench/run.js', ...(from.args ?? [])].join(' ')}\`, ${from.finishedAt ?? 'unknown date'}, at ${from.commit ?? 'unknown commit'}): this run did not repeat it._\n\n`
			: '';
		sections.push('', `## ${title}`, '', `${note}${body}`);
	}
	sections.push(
		'',
		'Everything measured, run by run: `results.json`. The simulator runs in its own process; all traffic stays on 127.0.0.1.',
		'',
	);
	return sections.join('\n');
}

function writeReport(outDir, results) {
	fs.mkdirSync(outDir, { recursive: true });
	fs.writeFileSync(path.join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
	fs.writeFileSync(path.join(outDir, 'RESULTS.md'), markdown(results));
}

module.exports = { writeReport, markdown };
