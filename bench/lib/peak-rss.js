'use strict';
/**
 * Preloaded (`node --require`) into an `n8n execute` process: on exit it writes the process's
 * peak RSS to $BENCH_PEAK_RSS_DIR/peak-<pid>.json, twice:
 *   maxRssKb               the whole process lifetime;
 *   maxRssBeforeOutputKb   up to the moment `n8n execute` starts serialising the finished run
 *                          for printing (a CLI artefact a real n8n never pays), which is the peak
 *                          of loading, executing and saving the execution.
 */
const fs = require('fs');
const path = require('path');

const dir = process.env.BENCH_PEAK_RSS_DIR;
if (dir) {
	let beforeOutput = null;
	const stringify = JSON.stringify;
	// `n8n execute` prints the run with JSON.stringify(run, null, 2); the first such call marks the end of the work.
	JSON.stringify = function benchStringify(value, replacer, space) {
		if (
			beforeOutput === null &&
			space === 2 &&
			value &&
			typeof value === 'object' &&
			value.data &&
			value.data.resultData
		) {
			beforeOutput = process.resourceUsage().maxRSS;
		}
		return stringify.apply(this, arguments);
	};
	process.on('exit', () => {
		try {
			fs.writeFileSync(
				path.join(dir, `peak-${process.pid}.json`),
				stringify({
					pid: process.pid,
					argv: process.argv.slice(2),
					maxRssKb: process.resourceUsage().maxRSS,
					maxRssBeforeOutputKb: beforeOutput,
				}),
			);
		} catch {
			/* measurement only */
		}
	});
}
