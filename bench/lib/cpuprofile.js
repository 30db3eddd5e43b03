'use strict';
/**
 * Summarises a V8 .cpuprofile (node --cpu-prof): self time per function, with positions in
 * this package's bundle (dist/sage-erp.js) mapped back to the TypeScript sources through its
 * source map, and the share of time by origin (this package, n8n, undici, node internals, GC).
 */
const fs = require('fs');
const path = require('path');
const { SourceMap } = require('module');

const BUNDLE = 'sage-erp.js';

function loadSourceMap(bundleFile) {
	try {
		return new SourceMap(JSON.parse(fs.readFileSync(`${bundleFile}.map`, 'utf8')));
	} catch {
		return null;
	}
}

/** Where a profile frame's code comes from, for the share table. */
function originOf(url, functionName) {
	if (functionName === '(garbage collector)') return 'GC';
	if (functionName === '(idle)' || functionName === '(program)') return functionName;
	if (!url) return 'native / V8';
	if (url.includes(BUNDLE)) return 'this package (dist/sage-erp.js)';
	if (url.startsWith('node:')) return 'Node.js internals';
	if (/node_modules[\\/](undici)[\\/]/.test(url)) return 'undici';
	if (/node_modules[\\/]((@n8n[\\/][^\\/]+)|n8n[^\\/]*)[\\/]/.test(url)) {
		const m = url.match(/node_modules[\\/]((?:@n8n[\\/][^\\/]+)|n8n[^\\/]*)[\\/]/);
		return `n8n: ${m[1]}`;
	}
	if (/node_modules[\\/]([^\\/]+)/.test(url))
		return `dependency: ${url.match(/node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/)[1]}`;
	return 'other';
}

/** Short, machine-independent name of a file: from the last node_modules/ on, or the source map's path. */
function shortFile(url) {
	const clean = url.replace(/^file:\/\//, '');
	const i = clean.lastIndexOf('node_modules/');
	return i >= 0 ? clean.slice(i + 'node_modules/'.length) : path.basename(clean);
}

/**
 * The profile, keeping only the samples taken between window.fromMs and window.toMs after
 * profiling started (e.g. the measured load, not n8n's start-up).
 */
function load(profileFile, window) {
	const profile = JSON.parse(fs.readFileSync(profileFile, 'utf8'));
	const usPerSample = profile.samples.length
		? (profile.endTime - profile.startTime) / profile.samples.length
		: 0;
	if (!window)
		return {
			profile,
			samples: profile.samples,
			usPerSample,
			totalUs: profile.endTime - profile.startTime,
		};
	const samples = [];
	let t = profile.startTime;
	profile.samples.forEach((id, i) => {
		t += profile.timeDeltas[i];
		const ms = (t - profile.startTime) / 1000;
		if (ms >= window.fromMs && ms <= window.toMs) samples.push(id);
	});
	return { profile, samples, usPerSample, totalUs: (window.toMs - window.fromMs) * 1000 };
}

function summarize(profileFile, { bundleFile, top = 25, window } = {}) {
	const { profile, samples, usPerSample, totalUs } = load(profileFile, window);
	const map = bundleFile ? loadSourceMap(bundleFile) : null;
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const selfSamples = new Map();
	for (const id of samples) selfSamples.set(id, (selfSamples.get(id) || 0) + 1);

	const fns = new Map();
	const origins = new Map();
	for (const [id, count] of selfSamples) {
		const node = byId.get(id);
		const { functionName, url, lineNumber, columnNumber } = node.callFrame;
		const origin = originOf(url, functionName);
		origins.set(origin, (origins.get(origin) || 0) + count);
		let where = url ? `${shortFile(url)}:${lineNumber + 1}` : '';
		if (map && url.includes(BUNDLE)) {
			const entry = map.findEntry(lineNumber, columnNumber);
			if (entry && entry.originalSource)
				where = `${entry.originalSource.replace(/^(\.\.\/)+/, '')}:${entry.originalLine + 1}`;
		}
		const key = `${functionName || '(anonymous)'} ${where}`;
		const f = fns.get(key) || { name: functionName || '(anonymous)', where, origin, samples: 0 };
		f.samples += count;
		fns.set(key, f);
	}
	const busy = samples.length - (origins.get('(idle)') || 0);
	const toMs = (samples) => (samples * usPerSample) / 1000;
	const list = [...fns.values()]
		.filter((f) => f.origin !== '(idle)')
		.sort((a, b) => b.samples - a.samples);
	return {
		totalMs: totalUs / 1000,
		busyMs: toMs(busy),
		origins: [...origins.entries()]
			.filter(([o]) => o !== '(idle)')
			.sort((a, b) => b[1] - a[1])
			.map(([origin, samples]) => ({
				origin,
				ms: toMs(samples),
				share: busy ? samples / busy : 0,
			})),
		top: list
			.slice(0, top)
			.map((f) => ({ ...f, ms: toMs(f.samples), share: busy ? f.samples / busy : 0 })),
		topOurs: list
			.filter((f) => f.origin.startsWith('this package'))
			.slice(0, top)
			.map((f) => ({ ...f, ms: toMs(f.samples), share: busy ? f.samples / busy : 0 })),
	};
}

/** Inclusive time (self + callees) of every function of this package, by source position. */
function inclusiveOurs(profileFile, { bundleFile, top = 25, window, all = false } = {}) {
	const { profile, samples, usPerSample } = load(profileFile, window);
	const map = bundleFile ? loadSourceMap(bundleFile) : null;
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parent = new Map();
	for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id);
	const label = (node) => {
		const { functionName, url, lineNumber, columnNumber } = node.callFrame;
		if (!url.includes(BUNDLE))
			return all && url
				? `${functionName || '(anonymous)'} ${shortFile(url)}:${lineNumber + 1}`
				: null;
		let where = `${shortFile(url)}:${lineNumber + 1}`;
		if (map) {
			const entry = map.findEntry(lineNumber, columnNumber);
			if (entry && entry.originalSource)
				where = `${entry.originalSource.replace(/^(\.\.\/)+/, '')}:${entry.originalLine + 1}`;
		}
		return `${functionName || '(anonymous)'} ${where}`;
	};
	const inclusive = new Map();
	for (const id of samples) {
		const seen = new Set();
		for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
			const l = label(byId.get(cur));
			if (l && !seen.has(l)) {
				seen.add(l);
				inclusive.set(l, (inclusive.get(l) || 0) + 1);
			}
		}
	}
	return [...inclusive.entries()]
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([fn, samples]) => ({ fn, ms: (samples * usPerSample) / 1000 }));
}

module.exports = { summarize, inclusiveOurs };
