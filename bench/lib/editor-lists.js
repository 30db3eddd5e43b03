'use strict';
/**
 * The editor's lists of our node (list searches, loadOptions, resource mappers) asked in the
 * in-process harness as n8n asks them: n8n-core's own LoadOptionsContext with the node's
 * current parameters and the path of the parameter being filled.
 */
function loadOptionsContext(engine, pkg, nodeType, parameters, parameterPath, typeVersion = 1) {
	const { LoadOptionsContext } = require('n8n-core');
	const { Workflow } = require('n8n-workflow');
	const node = {
		id: 'bench-list',
		name: 'Sage ERP',
		type: nodeType,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: { sageErpApi: { id: 'bench', name: 'bench' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: pkg.nodeTypes,
	});
	const additionalData = engine.additionalData({});
	additionalData.currentNodeParameters = parameters;
	return new LoadOptionsContext(workflow, node, additionalData, `parameters.${parameterPath}`);
}

module.exports = { loadOptionsContext };
