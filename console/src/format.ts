/** Formatting without React, for the pure modules (tested in test/unit) and the screens. */

/** `$12.40`. */
export const usd = (value: number): string => `$${value.toFixed(2)}`;
