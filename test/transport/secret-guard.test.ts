import { createGuard } from '../setup/secret-guard';

describe('the secret guard', () => {
	it('fails when a registered secret appears in an observed error, item or log line', () => {
		const guard = createGuard();
		guard.registerSecret('tok_abcdef123456');
		guard.observe({ json: { name: 'Acme' } }, 'item');
		expect(() => guard.check()).not.toThrow();
		guard.observe(new Error('request failed with Bearer tok_abcdef123456'), 'error');
		expect(() => guard.check()).toThrow('A secret or token appeared where a user could see it');
	});

	it('sees secrets nested inside output items', () => {
		const guard = createGuard();
		guard.registerSecret('client-secret-value');
		guard.observe([{ json: { headers: { auth: 'client-secret-value' } } }], 'item');
		expect(() => guard.check()).toThrow('item');
	});
});
