// Aggregate functions users put in aggregate({ ... }). Each is typed by the record it reads (T) and
// the value it yields (R), so `sum((o) => o.amount)` infers T from the window it is used in, and a
// wrong field name is a compile error.
import {
  avgSpec, countDistinctSpec, countSpec, firstSpec, lastSpec, maxBySpec, maxSpec, minSpec, reducerSpec, sumSpec,
  type AggSpec,
} from '../../engine';
import type { Key } from './types';

/** An aggregate over records of type T yielding R. The phantom fields carry the types only. */
export interface Aggregation<in T, out R> {
  readonly spec: AggSpec;
  readonly __in?: (value: T) => void;
  readonly __out?: R;
}

const agg = <T, R>(spec: AggSpec): Aggregation<T, R> => ({ spec });
type Pick1<T, R> = (value: T) => R;
const erase = <T, R>(fn: Pick1<T, R>): ((value: unknown) => unknown) => fn as unknown as (value: unknown) => unknown;

/** The number of records. */
export function count<T>(): Aggregation<T, number> {
  return agg(countSpec());
}

/** @example revenue: sum((o) => o.amountCents) */
export function sum<T>(fn: (value: T) => number): Aggregation<T, number> {
  return agg(sumSpec(erase(fn)));
}

/** The mean, or null for no records. */
export function avg<T>(fn: (value: T) => number): Aggregation<T, number | null> {
  return agg(avgSpec(erase(fn)));
}

/** The smallest value, or null for no records. */
export function min<T>(fn: (value: T) => number): Aggregation<T, number | null> {
  return agg(minSpec(erase(fn)));
}

/** The largest value, or null for no records. */
export function max<T>(fn: (value: T) => number): Aggregation<T, number | null> {
  return agg(maxSpec(erase(fn)));
}

/** The number of distinct values. */
export function countDistinct<T>(fn: (value: T) => Key): Aggregation<T, number> {
  return agg(countDistinctSpec(erase(fn)));
}

/** The value of the record with the earliest event time (the first to arrive among equals). */
export function first<T, R>(fn: (value: T) => R): Aggregation<T, R | null> {
  return agg(firstSpec(erase(fn)));
}

/** The value of the record with the latest event time (the last to arrive among equals). */
export function last<T, R>(fn: (value: T) => R): Aggregation<T, R | null> {
  return agg(lastSpec(erase(fn)));
}

/** The whole record with the highest score (the first to arrive among equals). */
export function maxBy<T>(score: (value: T) => number): Aggregation<T, T | null> {
  return agg(maxBySpec(erase(score)));
}

/** A user-defined reducer. `merge` is needed in session windows, `retract` downstream of `emit: 'update'`. */
export interface Reducer<T, A, R> {
  init(): A;
  add(acc: A, value: T): A;
  merge?(a: A, b: A): A;
  retract?(acc: A, value: T): A;
  result?(acc: A): R;
}

/** @example longest: reduce({ init: () => '', add: (a, o) => (o.name.length > a.length ? o.name : a) }) */
export function reduce<T, A>(reducer: Reducer<T, A, A> & { result?: undefined }): Aggregation<T, A>;
export function reduce<T, A, R>(reducer: Reducer<T, A, R> & { result(acc: A): R }): Aggregation<T, R>;
export function reduce<T, A, R>(reducer: Reducer<T, A, R>): Aggregation<T, R> {
  return agg(reducerSpec(reducer as unknown as Parameters<typeof reducerSpec>[0]));
}
