/**
 * What the builder refuses before any request: a value that does not fit its field, a field
 * the record type does not have, an operator that does not fit. The message is one sentence
 * about the value or field; the compiler puts the condition in front of it and the node the
 * item after it.
 */
export class FilterProblem extends Error {
	constructor(
		message: string,
		readonly hint?: string,
	) {
		super(message);
		this.name = 'FilterProblem';
	}
}
