/**
 * An asynchronous operation as Sage's developer guides describe them: report generation,
 * `xtremReporting.report.generateReportPdf`. A mutation starts it and answers a tracking
 * ID; a query tracks it until its status says it is done; its result names a file, which
 * is downloaded with the same bearer token (401 without it).
 *
 *   mutation { xtremReporting { report { generateReportPdf { start(reportName: "customerList", filter: "{country:{id:'FR'}}") { trackingId } } } } }
 *   query { xtremReporting { report { generateReportPdf { track(trackingId: "...") { status errorMessage result { key filename mimeType contentLength downloadUrl } } } } } }
 *   GET /v1/fwd/<tenant>/download/<key>   (Authorization: Bearer <access token>)
 *
 * **(choice)** The status values are not documented: `pending` for REPORT_QUEUED_MS after the
 * start, `running` until REPORT_DONE_MS, then `success` or `error` (a filter matching no
 * record: "the report is empty"); `sim.reports().setStatusNames()` renames them, to show
 * that a client takes whatever Sage says. Statuses follow the simulator's clock, so
 * `sim.clock.freeze()` keeps a job running forever. A download link lives REPORT_LINK_TTL_MS.
 */
import { randomBytes } from 'node:crypto';
import { GraphQLError, GraphQLObjectType, GraphQLSchema } from 'graphql';

import { nodeDef, Rec } from './model';
import { buildPdf } from './pdf';
import { TenantStore } from './store';

export const REPORT_QUEUED_MS = 200;
export const REPORT_DONE_MS = 1_000;
export const REPORT_LINK_TTL_MS = 60 * 60 * 1000;

export type ReportPhase = 'pending' | 'running' | 'success' | 'error';

interface Report {
	recordType: string;
	title: string;
	line(rec: Rec, store: TenantStore): string;
}

const REPORTS: Record<string, Report> = {
	customerList: {
		recordType: 'xtremMasterData.customer',
		title: 'Customers',
		line: (r) =>
			`${String(r.id)}   ${String(r.name)}   ${String(r.city ?? '')}   credit limit ${String(r.creditLimit ?? '')}`,
	},
	salesOrderList: {
		recordType: 'xtremSales.salesOrder',
		title: 'Sales orders',
		line: (r) =>
			`${String(r.number)}   ${String(r.status)}   ${String(r.orderDate)}   ${String(r.totalAmountExcludingTax ?? 0)}`,
	},
};

export interface ReportJob {
	trackingId: string;
	reportName: string;
	startedAt: number;
	/** Why it fails once it has run; undefined: it succeeds. */
	failure?: string;
	file?: { key: string; filename: string; bytes: Buffer };
	downloads: number;
}

interface TenantReports {
	jobs: Map<string, ReportJob>;
	byKey: Map<string, ReportJob>;
	statusNames: Record<ReportPhase, string>;
}

const DEFAULT_STATUS_NAMES: Record<ReportPhase, string> = {
	pending: 'pending',
	running: 'running',
	success: 'success',
	error: 'error',
};
const registry = new WeakMap<TenantStore, TenantReports>();

export function reportsOf(store: TenantStore): TenantReports {
	let reports = registry.get(store);
	if (!reports)
		registry.set(
			store,
			(reports = { jobs: new Map(), byKey: new Map(), statusNames: { ...DEFAULT_STATUS_NAMES } }),
		);
	return reports;
}

/** What `sim.reports()` offers tests: the jobs started, and the status words. */
export interface ReportsHandle {
	jobs(): Array<
		Omit<ReportJob, 'file'> & { file?: { key: string; filename: string; size: number } }
	>;
	setStatusNames(names: Partial<Record<ReportPhase, string>>): void;
}

export function reportsHandle(store: TenantStore): ReportsHandle {
	const reports = reportsOf(store);
	return {
		jobs: () =>
			[...reports.jobs.values()].map(({ file, ...job }) => ({
				...job,
				file: file && { key: file.key, filename: file.filename, size: file.bytes.length },
			})),
		setStatusNames: (names) => {
			reports.statusNames = { ...DEFAULT_STATUS_NAMES, ...names };
		},
	};
}

export function asyncReportSdl(): string {
	return `
type AsyncOperationStarted {
  trackingId: String!
}
type ReportFile {
  key: String!
  filename: String!
  mimeType: String!
  contentLength: Int!
  downloadUrl: String!
}
type GenerateReportPdf_Tracking {
  status: String!
  errorMessage: String
  result: ReportFile
}
type GenerateReportPdf_Start {
  start(reportName: String!, filter: String): AsyncOperationStarted!
}
type GenerateReportPdf_Track {
  track(trackingId: String!): GenerateReportPdf_Tracking!
}
type Report_AsyncMutations {
  generateReportPdf: GenerateReportPdf_Start!
}
type Report_AsyncQueries {
  generateReportPdf: GenerateReportPdf_Track!
}
type XtremReporting_Mutation {
  report: Report_AsyncMutations
}
type XtremReporting_Query {
  report: Report_AsyncQueries
}
extend type Mutation {
  xtremReporting: XtremReporting_Mutation
}
extend type Query {
  xtremReporting: XtremReporting_Query
}
`;
}

/** What the resolvers need from the GraphQL context. */
interface ReportContext {
	store: TenantStore;
	/** `http://host:port` of the request, for absolute download URLs. */
	origin?: string;
}

export function wireAsyncReports(schema: GraphQLSchema): void {
	const fields = (name: string) => (schema.getType(name) as GraphQLObjectType).getFields();
	const marker = () => ({});
	fields('Mutation').xtremReporting.resolve = marker;
	fields('Query').xtremReporting.resolve = marker;
	fields('XtremReporting_Mutation').report.resolve = marker;
	fields('XtremReporting_Query').report.resolve = marker;
	fields('Report_AsyncMutations').generateReportPdf.resolve = marker;
	fields('Report_AsyncQueries').generateReportPdf.resolve = marker;
	fields('GenerateReportPdf_Start').start.resolve = (
		_s,
		args: { reportName: string; filter?: string | null },
		ctx: ReportContext,
	) => ({
		trackingId: startReport(ctx.store, args.reportName, args.filter).trackingId,
	});
	fields('GenerateReportPdf_Track').track.resolve = (
		_s,
		args: { trackingId: string },
		ctx: ReportContext,
	) => trackReport(ctx, args.trackingId);
}

function startReport(
	store: TenantStore,
	reportName: string,
	filter: string | null | undefined,
): ReportJob {
	const report = REPORTS[reportName];
	if (!report) {
		throw new GraphQLError(
			`Unknown report '${reportName}'. Reports: ${Object.keys(REPORTS).join(', ')}.`,
			{ extensions: { code: 'invalid-argument' } },
		);
	}
	let ids: number[];
	try {
		ids = store.query(report.recordType, filter, null).ids; // a bad filter is refused at the start, as a query would be
	} catch (e) {
		throw new GraphQLError((e as Error).message, { extensions: { code: 'invalid-argument' } });
	}
	const trackingId = randomBytes(12).toString('hex');
	const job: ReportJob = { trackingId, reportName, startedAt: store.clock.now(), downloads: 0 };
	if (!ids.length) job.failure = 'The report is empty: no record matches the filter.';
	else {
		const lines = ids.map((id) => report.line(store.getRecord(report.recordType, id)!, store));
		const bytes = buildPdf(
			`${report.title} (${nodeDef(report.recordType).typeName}, ${ids.length} records)`,
			lines,
		);
		job.file = {
			key: randomBytes(16).toString('hex'),
			filename: `${reportName}-${trackingId.slice(0, 8)}.pdf`,
			bytes,
		};
	}
	const reports = reportsOf(store);
	reports.jobs.set(trackingId, job);
	if (job.file) reports.byKey.set(job.file.key, job);
	return job;
}

function phaseOf(job: ReportJob, now: number): ReportPhase {
	const elapsed = now - job.startedAt;
	if (elapsed < REPORT_QUEUED_MS) return 'pending';
	if (elapsed < REPORT_DONE_MS) return 'running';
	return job.failure ? 'error' : 'success';
}

function trackReport(ctx: ReportContext, trackingId: string) {
	const reports = reportsOf(ctx.store);
	const job = reports.jobs.get(trackingId);
	if (!job)
		throw new GraphQLError(`Unknown tracking ID '${trackingId}'.`, {
			extensions: { code: 'not-found' },
		});
	const phase = phaseOf(job, ctx.store.clock.now());
	const file = phase === 'success' ? job.file : undefined;
	return {
		status: reports.statusNames[phase],
		errorMessage: phase === 'error' ? job.failure : null,
		result: file && {
			key: file.key,
			filename: file.filename,
			mimeType: 'application/pdf',
			contentLength: file.bytes.length,
			downloadUrl: `${ctx.origin ?? ''}/v1/fwd/${encodeURIComponent(ctx.store.tenantId)}/download/${file.key}`,
		},
	};
}

/** The answer to `GET /v1/fwd/<tenant>/download/<key>` once the bearer token was accepted. */
export function downloadReport(
	store: TenantStore,
	key: string,
): { status: number; body: Buffer; headers: Record<string, string> } {
	const job = reportsOf(store).byKey.get(key);
	const json = (status: number, error: string, message: string) => ({
		status,
		body: Buffer.from(JSON.stringify({ error, message })),
		headers: { 'content-type': 'application/json; charset=utf-8' },
	});
	if (!job?.file) return json(404, 'not_found', 'No file has this key.');
	const now = store.clock.now();
	if (phaseOf(job, now) !== 'success') return json(404, 'not_found', 'The file is not ready yet.');
	if (now - job.startedAt - REPORT_DONE_MS > REPORT_LINK_TTL_MS)
		return json(404, 'not_found', 'The download link has expired.');
	job.downloads++;
	return {
		status: 200,
		body: job.file.bytes,
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="${job.file.filename}"`,
		},
	};
}
