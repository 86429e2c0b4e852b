/**
 * `athanor/ui`: the workbench's views as standalone custom elements. Importing this module
 * defines them all; each takes the workbench's API base as its `api` attribute ('' or
 * absent: this page's origin) and the ids it shows.
 *
 * @example
 * <script type="module" src="http://127.0.0.1:4000/athanor-ui.js"></script>
 * <athanor-run-view api="http://127.0.0.1:4000" run-id="…"></athanor-run-view>
 */
export { AthanorDashboard } from './elements/athanor-dashboard.ts';
export { AthanorInstanceView } from './elements/athanor-instance-view.ts';
export { AthanorInstanceHistory } from './elements/athanor-instance-history.ts';
export { AthanorRunView } from './elements/athanor-run-view.ts';
export { AthanorRunRecord } from './elements/athanor-run-record.ts';
export { AthanorRunAgain } from './elements/athanor-run-again.ts';
export { AthanorCodeSnapshot } from './elements/athanor-code-snapshot.ts';
export { AthanorCodeDiff } from './elements/athanor-code-diff.ts';
export { AthanorNewInstance } from './elements/athanor-new-instance.ts';
export { AthanorSourcePane } from './elements/athanor-source-pane.ts';
export { AthanorStatusBadge } from './elements/athanor-status-badge.ts';
export { AthanorChart, type ChartAxis, type ChartSeries } from './elements/athanor-chart.ts';
export { AthanorSeriesChart } from './elements/athanor-series-chart.ts';
export { AthanorRunsTable } from './elements/athanor-runs-table.ts';
export { AthanorCompare } from './elements/athanor-compare.ts';
export { AthanorAgentActions } from './elements/athanor-agent-actions.ts';
export { AthanorApp } from './app/athanor-app.ts';
export { apiClient, ApiError, type ApiClient } from './client/api-client.ts';
