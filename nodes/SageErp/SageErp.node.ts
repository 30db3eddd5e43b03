import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	NodeConnectionTypes,
} from 'n8n-workflow';

import * as asyncOperation from './actions/asyncOperation/AsyncOperation.resource';
import * as graphql from './actions/graphql/Graphql.resource';
import * as record from './actions/record/Record.resource';
import { router } from './actions/router';
import { filterOptions, getStartArguments, listSearch, loadOptions } from '../shared/methods';
import { getMappingFields } from './actions/record/mapper/method';
import { toolDescriptionProperties } from './actions/common/tool';

// The value of NodeConnectionTypes.Main, without reading it at run time: n8n versions
// before NodeConnectionTypes existed load this node too.
const MAIN: typeof NodeConnectionTypes.Main = 'main';

export class SageErp implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sage ERP',
		name: 'sageErp',
		icon: { light: 'file:sageErp.svg', dark: 'file:sageErp.dark.svg' },
		group: ['transform'],
		// Version 2 works from the schema (the field mapper, field lists, the filter builder);
		// workflows saved with version 1 keep its parameters and behaviour.
		version: [1, 2],
		defaultVersion: 2,
		subtitle:
			'={{ ({ get: "Get", getMany: "Get Many", create: "Create", update: "Update", delete: "Delete", upsert: "Create or Update", updateMany: "Update Many", aggregate: "Aggregate", describe: "Describe", query: "GraphQL Query", mutation: "GraphQL Mutation", startAndWait: "Start and Wait", start: "Start", getStatus: "Get Status" })[$parameter["operation"]] + ($parameter["resource"] === "record" ? ": " + ($parameter["recordType"].value || $parameter["recordType"] || "") : "") + ($parameter["resource"] === "asyncOperation" ? ": " + ($parameter["asyncOperation"].value || $parameter["asyncOperation"] || "") : "") }}',
		description:
			'Read and write records of Sage’s cloud ERP (Sage Distribution and Manufacturing Operations) through its GraphQL API',
		defaults: { name: 'Sage ERP' },
		usableAsTool: true,
		inputs: [MAIN],
		outputs: [MAIN],
		credentials: [{ name: 'sageErpApi', required: true }],
		properties: [
			// Shown only in the AI tool variant (sageErpTool), first, where n8n puts its own.
			...toolDescriptionProperties,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Record',
						value: 'record',
						description: 'Get, create, update, delete or aggregate records of a record type',
					},
					{
						name: 'GraphQL',
						value: 'graphql',
						description: 'Run your own GraphQL query or mutation',
					},
					{
						name: 'Asynchronous Operation',
						value: 'asyncOperation',
						description:
							'Start a long-running operation, such as a report PDF, and wait for its result',
					},
				],
				default: 'record',
			},
			...record.description,
			...graphql.description,
			...asyncOperation.description,
		],
	};

	methods = {
		listSearch,
		loadOptions: { ...loadOptions, ...filterOptions },
		resourceMapping: { getStartArguments, getMappingFields },
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
