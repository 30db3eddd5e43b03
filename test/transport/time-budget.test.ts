/**
 * How the node plans requests inside Sage's 28-second limit (sage-client/transport/time-limit.ts):
 * the measured time per member sizes the next request. Durations are given, not measured.
 */
import { RequestBudget, SAGE_TIME_LIMIT_MS } from '../../sage-client/transport/time-limit';

test('fast requests keep the size asked for', () => {
	const budget = new RequestBudget();
	budget.took(100, 2_000);
	expect(budget.size(100)).toBe(100);
});

test('a request that took more than half the limit makes the next ones as small as fits in half of it', () => {
	const budget = new RequestBudget();
	budget.took(100, 20_000); // 200 ms a member: 70 fit in 14 s
	expect(budget.size(100)).toBe(70);
	budget.took(70, 21_000); // slower still: 300 ms a member
	expect(budget.size(100)).toBe(46);
});

test('after slow requests, fast ones let the size grow back, slowly, up to what was asked', () => {
	const budget = new RequestBudget();
	budget.took(100, 28_000);
	expect(budget.size(100)).toBe(50);
	budget.took(50, 1_000);
	expect(budget.size(100)).toBe(75);
	budget.took(75, 1_000);
	expect(budget.size(100)).toBe(100);
});

test('a request that hit the limit halves the next ones, and nothing as large is tried again', () => {
	const budget = new RequestBudget();
	budget.hitLimit(100);
	expect(budget.size(100)).toBe(50);
	budget.took(50, 10);
	expect(budget.size(100)).toBe(50);
	budget.hitLimit(50);
	expect(budget.size(100)).toBe(25);
	for (let count = 25; count > 1; count = budget.size(100)) budget.hitLimit(count);
	expect(budget.size(100)).toBe(1);
});

test('the limit is Sage’s 28 seconds', () => {
	expect(SAGE_TIME_LIMIT_MS).toBe(28_000);
});
