/**
 * Converts DuckDB values to values JSON can carry without loss of meaning, for the inspector's grid
 * and the CLI: 64-bit integers become numbers when exactly representable and strings otherwise,
 * timestamps become ISO-8601 strings, lists and structs become arrays and objects.
 */
import type { DuckDBType, DuckDBValue, DuckDBValueConverter, Json } from '@duckdb/node-api';
import {
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTimestampMillisecondsValue,
  DuckDBTimestampSecondsValue,
  DuckDBTimestampNanosecondsValue,
  DuckDBTypeId,
  JsonDuckDBValueConverter,
} from '@duckdb/node-api';

export type JsonValue = Json;

function bigintToJson(value: bigint): number | string {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

/** An ISO string from microseconds since the epoch, keeping the microseconds Date would drop. */
function isoFromMicros(micros: bigint): string | null {
  const ms = micros / 1000n - (micros % 1000n < 0n ? 1n : 0n);
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) return null;
  const extra = Number(micros - ms * 1000n);
  const iso = date.toISOString();
  return extra === 0 ? iso : `${iso.slice(0, -1)}${String(extra).padStart(3, '0')}Z`;
}

function timestampMicros(value: DuckDBValue): bigint | null {
  if (value instanceof DuckDBTimestampValue || value instanceof DuckDBTimestampTZValue) return value.micros;
  if (value instanceof DuckDBTimestampMillisecondsValue) return value.millis * 1000n;
  if (value instanceof DuckDBTimestampSecondsValue) return value.seconds * 1_000_000n;
  if (value instanceof DuckDBTimestampNanosecondsValue) return value.nanos / 1000n;
  return null;
}

export const jsonSafeConverter: DuckDBValueConverter<Json> = (value: DuckDBValue, type: DuckDBType, converter) => {
  if (value === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return typeof value === 'bigint' ? bigintToJson(value) : JsonDuckDBValueConverter(value, type, converter);
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_TZ:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS: {
      const micros = timestampMicros(value);
      // Infinite timestamps have no ISO form; DuckDB's own text ('infinity') says what they are.
      return (micros === null ? null : isoFromMicros(micros)) ?? String(value);
    }
    default:
      return JsonDuckDBValueConverter(value, type, converter);
  }
};
