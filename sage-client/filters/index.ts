export {
	compileFilter,
	compileSort,
	escapeRegex,
	FilterBuildError,
	type FilterCondition,
	type FilterMatch,
	type SortRule,
} from './compile';
export { quoted, sageText, type SageValue } from './literal';
export {
	ALL_OPERATORS,
	isFilterOperator,
	OPERATORS,
	operatorLabel,
	operatorsFor,
	type FilterOperator,
} from './operators';
export { resolvePath, type FieldPath, type FieldLoader } from './paths';
export { FilterProblem } from './problem';
export { filterFieldChoices, operatorChoices, sortFieldChoices, type Choice } from './choices';
