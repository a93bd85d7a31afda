/** The human text is a faithful, reversible rendering: parsing it gives back exactly the data. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCanaryText } from '../../src/core/canary/document.ts';
import { attestationData as attestationSchema } from '../../src/core/canary/model.ts';
import { renderAttestation } from '../../src/core/canary/render.ts';
import { isCanonical } from '../../src/core/canonical.ts';
import { attestationData } from './arbitraries.ts';

describe('render → parse', () => {
  it('the generated data is valid by the schema (the premise of the property)', () => {
    fc.assert(
      fc.property(attestationData, (d) => {
        expect(attestationSchema.safeParse(d).success).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('parseCanaryText(renderAttestation(d)) gives back d, from canonical text', () => {
    fc.assert(
      fc.property(attestationData, (d) => {
        const text = renderAttestation(d);
        expect(isCanonical(text)).toBe(true);
        const parsed = parseCanaryText(text);
        expect(parsed).toEqual({ ok: true, data: d });
      }),
      { numRuns: 200 },
    );
  });
});
