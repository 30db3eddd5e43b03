import type { PageSizeLimit } from './paginate';

/**
 * The page size limit each tenant stated when it refused a page (`The page size (first)
 * cannot exceed 500.`), remembered for the process, so that later executions and polls ask
 * for no more from the start instead of being refused first. Bounded: the oldest entries go.
 */
export class PageSizeLimits {
	private readonly limits = new Map<string, number>();

	constructor(private readonly capacity = 1000) {}

	forTenant(key: string): PageSizeLimit {
		return {
			max: () => this.limits.get(key),
			learn: (max) => {
				const known = this.limits.get(key);
				this.limits.delete(key);
				this.limits.set(key, known === undefined ? max : Math.min(known, max));
				while (this.limits.size > this.capacity)
					this.limits.delete(this.limits.keys().next().value!);
			},
		};
	}
}
