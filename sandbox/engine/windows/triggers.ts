// Triggers (after Flink's api/windowing/triggers), reduced to the two the product offers. A trigger
// decides when a pane's result leaves the operator; it holds no state of its own.
import type { EmitMode } from '../plan';

/**
 * `final` emits one insert per pane when the window closes, that is when the watermark reaches
 * `end + allowedLateness`. `update` emits on every change: a retraction of the previous result (if
 * one was emitted) followed by an insert of the new one, so a downstream aggregate stays right.
 */
export interface Trigger {
  readonly emit: EmitMode;
  readonly allowedLateness: number;
}

/** True once the window can receive no more records: its state is emitted (final) and dropped. */
export function isClosed(trigger: Trigger, end: number, watermark: number): boolean {
  return end + trigger.allowedLateness <= watermark;
}

/** The watermark at which a window ending at `end` closes. */
export function closesAt(trigger: Trigger, end: number): number {
  return end + trigger.allowedLateness;
}
