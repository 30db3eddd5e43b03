'use strict';
/**
 * Headless Chromium (Debian's, driven by playwright-core) signed in to an n8n editor: what
 * `npm run capture` films and the end-to-end screenshot test takes, in one place.
 */
const fs = require('fs');
const os = require('os');
const path = require('path');

const CHROMIUM = process.env.SAGE_ERP_CHROMIUM || '/usr/bin/chromium';

// Quiet and offline: nothing but the n8n under test is contacted.
const ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

/** A fresh browser profile and its first page; `close()` ends both. */
async function openBrowser(viewport) {
	if (!fs.existsSync(CHROMIUM))
		throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
	let playwright;
	try {
		playwright = require('playwright-core');
	} catch {
		throw new Error('playwright-core is missing: it is a devDependency (npm install)');
	}
	const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'sage-erp-chromium-'));
	const context = await playwright.chromium.launchPersistentContext(profile, {
		executablePath: CHROMIUM,
		headless: true,
		args: ARGS,
		viewport,
		deviceScaleFactor: 1,
	});
	const page = context.pages()[0] ?? (await context.newPage());
	page.setDefaultTimeout(30000);
	const close = async () => {
		await context.close();
		fs.rmSync(profile, { recursive: true, force: true });
	};
	return { page, close };
}

/** Signs the n8n owner in, as a person would on the sign-in page. */
async function signIn(page, baseUrl, owner) {
	await page.goto(`${baseUrl}/signin`);
	await page
		.locator('input[name="emailOrLdapLoginId"], input[type="email"]')
		.first()
		.fill(owner.email);
	await page.locator('input[type="password"]').first().fill(owner.password);
	await page.locator('button[type="submit"], [data-test-id="form-submit-button"]').first().click();
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

module.exports = { CHROMIUM, openBrowser, signIn };
