'use strict';
/** Small statistics over samples (milliseconds, rates). Percentiles by nearest rank. */

function sorted(values) {
	return values.filter((v) => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
}

/** Nearest-rank percentile (p in 0..100); null for no samples. */
function percentile(values, p) {
	const s = sorted(values);
	if (!s.length) return null;
	const rank = Math.ceil((p / 100) * s.length);
	return s[Math.min(s.length, Math.max(1, rank)) - 1];
}

/** Median (mean of the two middle values for an even count); null for no samples. */
function median(values) {
	const s = sorted(values);
	if (!s.length) return null;
	const mid = s.length >> 1;
	return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mean(values) {
	const s = sorted(values);
	return s.length ? s.reduce((a, b) => a + b, 0) / s.length : null;
}

/** a / b, or null when either is missing or b is 0. */
function ratio(a, b) {
	if (
		typeof a !== 'number' ||
		typeof b !== 'number' ||
		!Number.isFinite(a) ||
		!Number.isFinite(b) ||
		b === 0
	)
		return null;
	return a / b;
}

/** Rounds for the report: 3 significant digits below 100, integers above. */
function round(v) {
	if (typeof v !== 'number' || !Number.isFinite(v)) return v ?? null;
	if (Math.abs(v) >= 100) return Math.round(v);
	return Number(v.toPrecision(3));
}

/**
 * Median of each numeric field over several runs: [{a: 1, b: 2}, {a: 3, b: 4}] -> {a: 2, b: 3}.
 * Non-numeric fields keep the first run's value.
 */
function medianOfRuns(runs) {
	const out = {};
	if (!runs.length) return out;
	for (const key of Object.keys(runs[0])) {
		const values = runs.map((r) => r[key]);
		out[key] = values.every((v) => typeof v === 'number' || v === null || v === undefined)
			? median(values)
			: runs[0][key];
	}
	return out;
}

module.exports = { percentile, median, mean, ratio, round, medianOfRuns };
