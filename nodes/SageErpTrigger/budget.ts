import type { IPollFunctions } from 'n8n-workflow';

/**
 * How long one poll may go on reading pages. n8n 2.40+ tells a poll its budget
 * (`getPollBudgetMs()`: under its durable scheduler the poll timeout minus a margin, 36 s by
 * default, else 5 minutes) and abandons a tick that runs past the timeout, so a poll after a long
 * outage would never finish and never save its state. Within the budget the trigger reads page
 * after page; when the next page would no longer fit, it returns what it has and the next poll
 * goes on from there. n8n versions without a budget (1.x, 2.x before 2.40) wait for the poll,
 * however long it takes: every page is then read at once, as before.
 */
export class PollBudget {
	private slowestPageMs = 0;

	private constructor(
		/** Undefined: n8n sets no budget. */
		private readonly budgetMs: number | undefined,
		private readonly startedAt: number,
	) {}

	/** The poll's budget, counted from now: call it first thing in poll(). */
	static of(context: IPollFunctions): PollBudget {
		// Read through a loose type: n8n-workflow before 2.40 has no getPollBudgetMs at all.
		const offered = (context as { getPollBudgetMs?: unknown }).getPollBudgetMs;
		let budgetMs: number | undefined;
		if (typeof offered === 'function') {
			const value: unknown = offered.call(context);
			if (typeof value === 'number' && Number.isFinite(value) && value > 0) budgetMs = value;
		}
		return new PollBudget(budgetMs, Date.now());
	}

	/**
	 * For one paged reading: a check to call after each page that has a successor, true while
	 * that successor should still end within the budget, judged by the slowest page so far
	 * (the first counted from the start of the reading). Always true without a budget.
	 */
	pageCheck(): () => boolean {
		const { budgetMs } = this;
		if (budgetMs === undefined) return () => true;
		let pageStarted = Date.now();
		return () => {
			const now = Date.now();
			this.slowestPageMs = Math.max(this.slowestPageMs, now - pageStarted);
			pageStarted = now;
			return now - this.startedAt + this.slowestPageMs <= budgetMs;
		};
	}

	/** Whether a request expected to take `expectedMs` still ends within the budget; always true without one. */
	fits(): (expectedMs: number) => boolean {
		const { budgetMs, startedAt } = this;
		if (budgetMs === undefined) return () => true;
		return (expectedMs) => Date.now() - startedAt + expectedMs <= budgetMs;
	}
}
