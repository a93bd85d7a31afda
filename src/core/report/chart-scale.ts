/**
 * Linear scales from zero with round ticks (1, 2, 2.5 or 5 × a power of ten), so that a
 * reader can check a bar against the axis by eye. Counts never get a tick at 0.5.
 */
export interface Scale {
  /** The top of the axis, a multiple of `step` at or above the largest value. */
  max: number;
  step: number;
  ticks: number[];
}

const TARGET_INTERVALS = 5;

/** The smallest round step that covers `max` in at most five intervals. */
function niceStep(max: number, integersOnly: boolean): number {
  const raw = max / TARGET_INTERVALS;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const factors = integersOnly && magnitude < 10 ? [1, 2, 5, 10] : [1, 2, 2.5, 5, 10];
  const factor = factors.find((f) => f * magnitude >= raw - 1e-9) ?? 10;
  // Labels have two decimals, so a finer step would print the same label twice.
  return Math.max(integersOnly ? 1 : 0.01, factor * magnitude);
}

/**
 * Ticks from 0 to a round number at or above `max`. An all-zero or empty chart
 * still gets an axis (0 to 1), so a row of zeros reads as zeros, not as no chart.
 */
export function niceScale(max: number, integersOnly: boolean): Scale {
  if (!(max > 0)) return { max: 1, step: 1, ticks: [0, 1] };
  const step = niceStep(max, integersOnly);
  // The tolerance keeps 1.1 / 0.1 = 11.000000000000002 from adding a twelfth interval.
  const intervals = Math.ceil(max / step - 1e-9);
  // Rounded per tick rather than accumulated, so 0.1 steps do not drift to 0.30000000000000004.
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => Math.round(i * step * 1e6) / 1e6);
  return { max: ticks.at(-1) ?? step, step, ticks };
}

/** Maps a value in [0, scale.max] onto [from, to]. */
export function project(scale: Scale, from: number, to: number): (value: number) => number {
  return (value) => from + ((to - from) * value) / scale.max;
}
