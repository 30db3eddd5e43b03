'use strict';
/**
 * Memory of the current process during a measured section: the peak of the V8 heap (sampled
 * every few ms; the measured work awaits I/O often, so the sampler gets its turns) and the
 * process's peak RSS (the kernel's high-water mark).
 */
function heapSampler(intervalMs = 5) {
	if (global.gc) global.gc();
	const before = process.memoryUsage();
	let peakHeap = before.heapUsed;
	const timer = setInterval(() => {
		const h = process.memoryUsage().heapUsed;
		if (h > peakHeap) peakHeap = h;
	}, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			const after = process.memoryUsage();
			peakHeap = Math.max(peakHeap, after.heapUsed);
			return {
				baseRssKb: Math.round(before.rss / 1024),
				maxRssKb: process.resourceUsage().maxRSS,
				heapBeforeKb: Math.round(before.heapUsed / 1024),
				peakHeapKb: Math.round(peakHeap / 1024),
				heapAfterKb: Math.round(after.heapUsed / 1024),
			};
		},
	};
}

module.exports = { heapSampler };
