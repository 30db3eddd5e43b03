/**
 * Simulated time. Every time-dependent behaviour of the simulator (token
 * expiry, _createStamp/_updateStamp, default order dates) reads this clock,
 * so tests can jump an hour ahead instead of waiting for it.
 *
 * By default it follows real time plus an offset; freeze() pins it.
 */
export class SimClock {
	private offsetMs = 0;
	private frozenAt: number | null = null;

	now(): number {
		return this.frozenAt ?? Date.now() + this.offsetMs;
	}

	/** Moves simulated time forward (or backward with a negative value). */
	advance(ms: number): void {
		if (this.frozenAt !== null) this.frozenAt += ms;
		else this.offsetMs += ms;
	}

	/** Sets simulated time to an absolute epoch-ms value (keeps running unless frozen). */
	set(ms: number): void {
		if (this.frozenAt !== null) this.frozenAt = ms;
		else this.offsetMs = ms - Date.now();
	}

	/** Stops the clock at the current simulated time. */
	freeze(): void {
		if (this.frozenAt === null) this.frozenAt = this.now();
	}

	/** Lets the clock run again from where it was frozen. */
	unfreeze(): void {
		if (this.frozenAt === null) return;
		this.offsetMs = this.frozenAt - Date.now();
		this.frozenAt = null;
	}

	isFrozen(): boolean {
		return this.frozenAt !== null;
	}
}
