// The warehouse's public surface: open a DuckDB warehouse, materialize topics into it, query it,
// list its schema and trace lineage. WAREHOUSE.md and LINEAGE.md describe the contracts.
export { Warehouse } from './warehouse';
export type { WarehouseOptions } from './warehouse';
export { Materializer } from './materializer';
export type { MaterializerOptions, MaterializerStats } from './materializer';
export type { TopicSpec, IngestResult } from './ingestor';
export type { IncomingRecord } from './record-decoder';
export type { FieldType, FieldSchema } from './field-types';
export type { QueryOptions, QueryResult, QueryColumn } from './query-runner';
export { QueryError } from './query-error';
export type { QueryErrorKind, SqlPosition } from './query-error';
export type { LineageTrace, RowRef } from './lineage-trace';
export type { ListedTable, ListedColumn, LayerCounts } from './schema-listing';
export type { LineagePosition, Layer, Change } from './lineage-headers';
export { headerNames } from './lineage-headers';
export { formatResult } from './result-format';
export { parseTopicSpecs } from './topic-specs';
export type { ResultFormat } from './result-format';
