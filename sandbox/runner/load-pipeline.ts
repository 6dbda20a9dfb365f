// Loads a bundled pipeline file. The bundle leaves `medallion-studio/pipeline` (and `/replay`) out,
// and they are answered here with this process's own modules: the pipeline then builds its plan with
// the same authoring API and engine the runner compiles it with, and the runner needs no sandbox
// sources at run time (an installed extension ships only bundles).
import Module from 'node:module';
import * as pipelineApi from '../pipeline';

/**
 * The modules a bundle may ask for, each loaded on its first request. The replay API (generator,
 * readers, producer) is rarely imported by a pipeline, and loading it up front took a worker about
 * 130 ms of CPU at start.
 */
const PROVIDED_MODULES: Readonly<Record<string, () => unknown>> = {
  'medallion-studio/pipeline': () => pipelineApi,
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  'medallion-studio/replay': () => require('../replay') as unknown,
};

let hooked = false;

export function requirePipelineBundle(bundleFile: string): unknown {
  if (!hooked) {
    const loader = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
    const original = loader._load;
    loader._load = function load(this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
      return Object.hasOwn(PROVIDED_MODULES, request) ? PROVIDED_MODULES[request]!() : original.call(this, request, parent, isMain);
    };
    hooked = true;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(bundleFile);
}
