import type { Sharp, SharpOptions } from 'sharp';

/**
 * sharp (libvips) is loaded on first use only: it is a native module kept out of the bundle (like node-pty), and a
 * server that never shapes an image should neither pay for loading it nor depend on it to start.
 */

export type SharpFactory = (input: Buffer, options?: SharpOptions) => Sharp;

let loading: Promise<SharpFactory> | undefined;

export function loadSharp(): Promise<SharpFactory> {
  loading ??= import('sharp').then(({ default: sharp }) => {
    // Each prompt image is decoded once; libvips' operation cache would only hold on to memory.
    sharp.cache(false);
    return sharp;
  });
  return loading;
}
