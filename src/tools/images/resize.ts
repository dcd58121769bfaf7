import type { RgbaImage } from './rgba-image.js';

/**
 * Resamples RGBA8 pixels to exactly `width × height` with a triangle (linear) filter widened by the scale when
 * shrinking, so every source pixel contributes: the filter the reference uses for prompt images.
 */
export function resizeRgba(image: RgbaImage, width: number, height: number): RgbaImage {
  const across = resampleAxis(image.pixels, image.width, image.height, width, 'x');
  const pixels = resampleAxis(across, width, image.height, height, 'y');
  return { width, height, pixels };
}

/** One separable pass: along x (rows keep their count) or along y (columns keep theirs). */
function resampleAxis(source: Uint8Array, width: number, height: number, size: number, axis: 'x' | 'y'): Uint8Array {
  const from = axis === 'x' ? width : height;
  const others = axis === 'x' ? height : width;
  const out = axis === 'x' ? new Uint8Array(size * height * 4) : new Uint8Array(width * size * 4);
  const ratio = from / size;
  const spread = Math.max(ratio, 1);
  for (let i = 0; i < size; i++) {
    const centre = (i + 0.5) * ratio;
    const start = Math.max(0, Math.floor(centre - spread));
    const end = Math.min(from, Math.ceil(centre + spread));
    const weights: number[] = [];
    let total = 0;
    for (let j = start; j < end; j++) {
      const weight = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / spread));
      weights.push(weight);
      total += weight;
    }
    const norm = weights.map((weight) => weight / (total || 1));
    // Sample j of line k sits at `k * lineStep + j * sampleStep`; output i of line k at `k * outLine + i * outStep`.
    const lineStep = axis === 'x' ? width * 4 : 4;
    const sampleStep = axis === 'x' ? 4 : width * 4;
    const outLine = axis === 'x' ? size * 4 : 4;
    const outStep = axis === 'x' ? 4 : width * 4;
    for (let k = 0; k < others; k++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let j = start; j < end; j++) {
        const weight = norm[j - start] as number;
        const at = k * lineStep + j * sampleStep;
        r += (source[at] as number) * weight;
        g += (source[at + 1] as number) * weight;
        b += (source[at + 2] as number) * weight;
        a += (source[at + 3] as number) * weight;
      }
      // A Uint8Array wraps values out of range: round and clamp by hand.
      const to = k * outLine + i * outStep;
      out[to] = clamp(r);
      out[to + 1] = clamp(g);
      out[to + 2] = clamp(b);
      out[to + 3] = clamp(a);
    }
  }
  return out;
}

function clamp(value: number): number {
  return Math.min(255, Math.max(0, Math.round(value)));
}
