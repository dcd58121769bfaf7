import type { Sharp, SharpOptions } from 'sharp';
import { createLogger } from '../../util/logger.js';

/**
 * sharp (libvips) is loaded on first use only: it is a native module kept out of the bundle (like node-pty), and a
 * server that never shapes an image should neither pay for loading it nor depend on it to start.
 */

export type SharpFactory = (input: Buffer, options?: SharpOptions) => Sharp;

let loading: Promise<SharpFactory> | undefined;

/**
 * sharp, loaded once. When it cannot be loaded (an install or image without its platform package), that is logged
 * once and every later call rejects the same way: images are then answered as unprocessable, the server goes on.
 */
export function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(
    ({ default: sharp }) => {
      // Each prompt image is decoded once; libvips' operation cache would only hold on to memory.
      sharp.cache(false);
      return sharp;
    },
    (error: unknown) => {
      createLogger(process.env).error({ err: error }, 'sharp could not be loaded: images cannot be shaped for the model');
      throw error;
    },
  );
  return loading;
}
